"""A PDF render pauses Python's cyclic garbage collector and leaves it as it found it."""

import gc

import pytest

from sutohamu.collector import collector_paused
from sutohamu.pdf import html_to_pdf


def test_a_render_leaves_the_collector_on_and_still_gives_a_pdf():
    assert gc.isenabled()
    assert html_to_pdf("<p>Hej</p>").startswith(b"%PDF-")
    assert gc.isenabled()


def test_the_collector_is_paused_during_the_block_and_on_again_after_an_error():
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        raise ValueError("a render failed")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
