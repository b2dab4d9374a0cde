"""Composition of documents: annexes, rounds, catalogues, plan figures."""
