"""The benchmark script's structure, without running it (issue 14: ``make benchmark`` is never part of the tests)."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "benchmark.py"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("benchmark_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_it_measures_as_production_runs(benchmark):
    env = benchmark.SERVER_ENV
    assert (env["DEBUG"], env["TESTING"]) == ("false", "false")  # TESTING would turn persistent connections off
    assert (benchmark.WORKERS, benchmark.CLIENTS) == (2, 4)


def test_every_list_page_is_compared_with_the_admin_changelist_of_its_rows(benchmark):
    pages, admin = benchmark.pages("11")
    lists = [page for page in pages if page.label.startswith("Liste")]
    assert {page.path for page in lists} >= {
        "/structures/",
        "/conventions/",
        "/conventions/rapports/",
        "/financements/dotations/",
        "/financements/versements/",
    }
    assert all(page.admin in admin for page in lists)
    assert any(page.path == "/tableau-de-bord/" for page in pages)
    # The inbox (messaging), for the two sides of the volume's threads, against the messages' changelist.
    inbox = [(page.who, admin[page.admin]) for page in lists if page.path == "/messages/"]
    assert inbox == [("ARS 11", "/admin/messaging/message/"), (benchmark.MANAGER, "/admin/messaging/message/")]


def test_steps_are_functions_and_later_ones_join_when_their_module_exists(benchmark, monkeypatch):
    assert [name for name, _ in benchmark.STEPS] == ["pages", "export", "campaign"]
    assert "projections.bench" in benchmark.OPTIONAL_STEPS
    assert [name for name, _ in benchmark.optional_steps()] == ["projections"]  # projections.bench.measure
    monkeypatch.setattr(benchmark, "OPTIONAL_STEPS", ["a_module_that_does_not_exist"])
    assert benchmark.optional_steps() == []


def test_quick_is_a_small_smoke_of_the_script(benchmark):
    args = benchmark.parse_args(["--quick"])
    assert (args.structures, args.rounds, args.campaign_sizes) == (50, 1, [50])
    assert benchmark.parse_args([]).campaign_sizes == [1000, 5000, 20000]
