"""Vietnamese syllable structure: onset + rhyme + tone, to tell an OCR slip from a real syllable.

A syllable is valid when some split of it into a known onset and a known rhyme exists and
its tone is allowed with that rhyme (a rhyme closed by p, t, c, ch takes only the sắc or
nặng tone). Non-letters (digits, codes) are not judged.
"""

from __future__ import annotations

from pipeline.lexicon._fold import nfc, strip_tone, tone_of

_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
    "kr", "bl", "br", "pr", "dr", "str", "kl", "j", "f", "w", "z",  # minority names: Krông Pắc, Cư Jút
)

_RHYME_TEXT = """
a ac ach ai am an ang anh ao ap at au ay
ăc ăm ăn ăng ăp ăt
âc âm ân âng âp ât âu ây
e ec em en eng eo ep et
ê êch êm ên ênh êp êt êu
i ia ich iêc iêm iên iêng iêp iêt iêu im in inh ip it iu
o oa oac oach oai oam oan oang oanh oao oap oat oay oăc oăm oăn oăng oăt oc oe oen oeo oet
oi om on ong ooc oong op ot
ô ôc ôi ôm ôn ông ôp ôt
ơ ơi ơm ơn ơp ơt
u ua uân uâng uât uây uc uê uêch uênh ui um un ung uôc uôi uôm uôn uông uôt up ut uy uya
uych uyên uyêt uynh uyt uyu uơ uyn
ư ưa ưc ưi ưng ưt ưu ươc ươi ươm ươn ương ươp ươt ươu ưm ưn
y yêm yên yêng yêt yêu ynh yt ych
ăk ak ek ok ôk uk ơk ưk ăh ah eh oh ơh uh êh ih ưh ôh
"""
_RHYMES = frozenset(_RHYME_TEXT.split())

_STOP_CODAS = ("p", "t", "c", "ch", "k")
_STOP_TONES = {"\u0301", "\u0323"}
_LETTERS = set("abcdefghijklmnopqrstuvwxyzăâđêôơư")


def is_judgeable(word: str) -> bool:
    """Whether ``word`` is made of letters only (codes and numbers are not judged)."""
    base = strip_tone(nfc(word).lower())
    return bool(base) and all(ch in _LETTERS for ch in base)


def is_valid_syllable(word: str) -> bool:
    """Whether ``word`` can be one Vietnamese syllable.

    Args:
        word: one word, any case, NFC or not.

    Returns:
        ``True`` for a well-formed syllable or a word that is not judged (digits, symbols);
        ``False`` when no onset/rhyme split works or the tone cannot go with the rhyme.
    """
    if not is_judgeable(word):
        return True
    text = nfc(word).lower()
    base = strip_tone(text)
    tone = tone_of(text)
    for onset in _ONSETS:
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset):]
        if onset == "gi" and rhyme == "":
            rhyme = "i"
        if rhyme not in _RHYMES:
            continue
        if rhyme.endswith(_STOP_CODAS) and tone not in _STOP_TONES:
            continue
        return True
    return False
