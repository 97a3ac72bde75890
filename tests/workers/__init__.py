"""Tests of the workers: jobs, actors on a StubBroker, real worker processes on RabbitMQ."""
