"""Data files of the generator (names, places, sentences); a package so they install with it."""
