"""The template's background builder (tests/testdb.py): started once per run by the process that
knows the run needs it, never under mutmut's mutants, and not when asked not to."""

from types import SimpleNamespace

from tests import conftest, testdb


def test_the_builder_starts_in_the_xdist_controller_or_one_process_not_a_worker_nor_a_listing():
    controller = SimpleNamespace(option=SimpleNamespace(dist="load"))
    single = SimpleNamespace(option=SimpleNamespace(dist="no"))
    worker = SimpleNamespace(option=SimpleNamespace(dist="no"), workerinput={"workerid": "gw0"})
    assert conftest._xdist_role(controller) == "controller"
    assert conftest._xdist_role(single) == "single"
    assert conftest._xdist_role(worker) == "worker"
    listing = SimpleNamespace(option=SimpleNamespace(dist="load", collectonly=True))
    assert conftest._xdist_role(listing) == "none"


def test_no_builder_under_a_mutant_or_when_switched_off():
    started = list(testdb._builder)  # the run's own, if this process started one
    for environ in ({"SUTOHAMU_EAGER_TEMPLATE": "0"}, {"MUTANT_UNDER_TEST": "cases.x__mutmut_1"}):
        testdb._builder.clear()
        try:
            testdb.start_builder(environ)
            assert testdb._builder == []
        finally:
            testdb._builder[:] = started
