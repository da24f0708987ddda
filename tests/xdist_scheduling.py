"""How `pytest -n N --dist loadscope` (what `make test` runs) shares the suite between the workers.

- A module's tests stay together on one worker, as xdist's loadscope does: a module-scoped fixture (a module's
  audited week) is made once, not once on each worker.
- The modules that read one audited week made by a session fixture of tests/e2e/conftest.py or
  tests/e2e/shared_two_weeks.py (SHARED_WEEKS) are one unit, so one worker audits that week for all of them.
  tests/test_xdist_scheduling.py checks that every module asking for such a fixture is listed here.
- The modules that start a standing `prefect server` and its workers (STANDING_SERVERS) are one unit too. They
  spend much of their time waiting on the server's own clocks (its services' loops, the workers' polling); handed
  out side by side as the two longest modules, both waited at once and left both cores idle for about 50 s of a
  measured run. As one unit they wait one after the other while the other worker keeps a core busy.
- The longest units are handed out first, by the seconds each took in a measured run (tests/unit_seconds.py
  and its table), so the many short modules fill in at the end and both workers finish together, rather than a
  long audit starting when everything else is done. A unit without a figure is expected to take the middle one of
  its kind (whole audits, tests/e2e and tests/browser, or the rest).

The grouping is by module path, not by xdist's `xdist_group` mark: `--dist loadgroup` carries the group in a
rewritten node id, which pytest 9.2 no longer lets a plugin rewrite (pytest-xdist issue 1386), so the marks are
silently ignored. tests/conftest.py installs this scheduler for `--dist loadscope`.
"""

from __future__ import annotations

import pytest
from xdist.remote import Producer
from xdist.scheduler import LoadScopeScheduling
from xdist.workermanage import WorkerController

SHARED_WEEKS = {
    "tests/e2e/test_sql.py": "tiny_school_week",
    "tests/e2e/test_faults_and_refusals.py": "tiny_school_week",
    "tests/e2e/test_run_publishing.py": "tiny_school_week",
    "tests/e2e/test_after_the_store.py": "tiny_school_week",
    "tests/e2e/test_check_before_posting.py": "tiny_school_week",
    "tests/e2e/test_review_app_exposed.py": "tiny_school_week",
    "tests/e2e/test_registers_as_workbooks.py": "tiny_school_week",
    "tests/e2e/test_partial_audits.py": "sample_school_week",
    "tests/e2e/test_school_as_exported.py": "sample_school_week",
    "tests/e2e/test_sample_school.py": "sample_school_week",
    "tests/e2e/test_trust.py": "sample_school_week",
    "tests/e2e/test_x_archive_import.py": "sample_school_week",
    "tests/e2e/test_media_refetch.py": "sample_school_week",
    "tests/e2e/test_deleted_posts_and_thumbnails.py": "sample_school_week",
    "tests/browser/test_accessibility.py": "sample_school_two_weeks",
    "tests/browser/test_review_in_browser.py": "sample_school_two_weeks",
    "tests/e2e/test_outputs_unchanged.py": "sample_school_two_weeks",
}
# Session fixtures made from a shared week (tests/e2e/conftest.py): a module asking for one reads that week.
DERIVED_WEEKS = {"sample_school_next_week": "sample_school_week"}
STANDING_SERVERS_UNIT = "standing_prefect_servers"
STANDING_SERVERS = {"tests/e2e/test_deployment.py", "tests/e2e/test_trust_workers.py"}
WHOLE_AUDIT_FOLDERS = ("tests/e2e/", "tests/browser/")


def unit_of(nodeid: str) -> str:
    """The unit of work a test belongs to: its module, the shared week its module reads, or the standing servers'."""
    module = nodeid.split("::", 1)[0]
    if module in STANDING_SERVERS:
        return STANDING_SERVERS_UNIT
    return SHARED_WEEKS.get(module, module)


def runs_whole_audits(unit: str) -> bool:
    return unit in {*SHARED_WEEKS.values(), STANDING_SERVERS_UNIT} or unit.startswith(WHOLE_AUDIT_FOLDERS)


class ModulesAndSharedWeeksLongestFirst(LoadScopeScheduling):
    def __init__(
        self, config: pytest.Config, log: Producer | None = None, seconds: dict[str, float] | None = None
    ) -> None:
        """`seconds`: each unit's measured seconds; tests/unit_seconds.json's when not given."""
        super().__init__(config, log)
        if seconds is None:
            from tests.unit_seconds import measured

            seconds = measured()
        self._seconds = seconds
        self._longest_first = False

    def _split_scope(self, nodeid: str) -> str:
        return unit_of(nodeid)

    def remove_node(self, node: WorkerController) -> str | None:
        """A worker gone (a crash, or shut down): the test it died on, which xdist reports failed.

        xdist 3.8's own puts the worker's whole workload back in the queue, the modules it had finished included;
        a replacement worker handed a finished module is sent an empty list of tests, never completes one, and is
        never handed more: the session waits forever instead of failing (pytest-xdist issues 1323 and 1378, seen
        in CI after a native crash). Only the tests not yet run go back, and not the one the worker died on: it is
        reported failed already, and it would take the replacement down too (pytest-xdist pull request 1371)."""
        workload = self.assigned_work.pop(node)
        pending = [
            (unit, test) for unit, tests in workload.items() for test, done in tests.items() if not done
        ]
        if not pending:
            return None
        crashed_unit, crashed = pending[0]
        workload[crashed_unit][crashed] = True
        for unit, tests in workload.items():
            if not all(tests.values()):
                self.workqueue[unit] = tests
        for other in self.assigned_work:
            self._reschedule(other)
        return crashed

    def schedule(self) -> None:
        """As xdist's, and a worker started after the first hand-out (one replacing a crashed worker) is given two
        tests to start on, or told to shut down: a worker runs a test only once it knows the next one or that
        there is none, and xdist hands a late worker one module, which may hold a single test (pytest-xdist issue
        1327)."""
        late = [] if self.collection is None else [n for n in self.nodes if not self.assigned_work[n]]
        super().schedule()
        for node in late:
            if node.shutting_down or self._pending_of(self.assigned_work[node]) >= 2:
                continue
            if self.workqueue:
                self._assign_work_unit(node)
            else:
                node.shutdown()

    def _assign_work_unit(self, node: WorkerController) -> None:
        # The queue is complete by the first assignment (xdist fills it in schedule(), then assigns). The sort is
        # stable: units of equal figures keep xdist's order, most tests first.
        if not self._longest_first:
            from tests.unit_seconds import expected

            for unit in sorted(self.workqueue, key=lambda u: -expected(u, self._seconds)):
                self.workqueue.move_to_end(unit)
            self._longest_first = True
        super()._assign_work_unit(node)
