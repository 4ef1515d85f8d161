"""The store settings' choices (skillgraph.config) are the ones the RDF services accept."""

import typing

from services.rdf.remote_store import LAYOUTS, Protocol
from services.settings import StoreAuth, StoreLayout, StoreProtocol


def test_the_store_choices_are_what_the_store_code_accepts():
    assert set(typing.get_args(StoreLayout)) == set(LAYOUTS)
    assert set(typing.get_args(StoreProtocol)) == set(typing.get_args(Protocol))
    assert set(typing.get_args(StoreAuth)) == {"basic", "digest"}  # services/rdf/stores.py
