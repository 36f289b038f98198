"""Workflow analysis on real-world-shaped GitHub Actions files: triggers, permissions, pins, dangerous patterns."""

from __future__ import annotations

import pytest

from chaoss_mcp.checks.workflows import analyze_workflows, parse_workflow, pip_install_pinned

SHA = "b4ffde65f46336ab88eb53be808477a3936bae11"
TEST_WORDS = ("test", "tests", "pytest", "npm test", "go test")

# A safe CI workflow: read-only token, every action pinned by SHA, tests on pull requests.
SAFE = f"""
name: CI
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@{SHA} # v4.1.1
      - uses: actions/setup-python@{SHA} # v5
        with:
          python-version: "3.12"
      - run: pip install --require-hashes -r requirements.txt
      - name: Run the suite
        run: pytest -q
"""

# Tags instead of SHAs, a third-party action and a docker image by tag; no permissions at all.
UNPINNED = """
name: build
on: [push, pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: codecov/codecov-action@v4.0.1
      - uses: docker://alpine:3.19
      - uses: ./.github/actions/local-setup
      - run: |
          python -m pip install --upgrade pip
          pip install -r requirements.txt \\
            --extra-index-url https://example.org/simple
"""

# The classic "pwn request": pull_request_target checks out and runs the contributor's code.
PWN_REQUEST = """
name: Preview
on:
  pull_request_target:
    types: [opened, synchronize]
permissions: write-all
jobs:
  preview:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: ${{ github.event.pull_request.head.sha }}
      - run: npm ci && npm run build
"""

# Script injection: an issue title lands in a shell script.
INJECTION = """
name: Triage
on:
  issues:
    types: [opened]
jobs:
  label:
    runs-on: ubuntu-latest
    permissions:
      issues: write
    steps:
      - name: Echo the title
        run: echo "New issue ${{ github.event.issue.title }}"
      - uses: actions/github-script@v7
        with:
          script: |
            const body = `${{ github.event.comment.body }}`
"""

# The same triage done safely: untrusted text goes through env:, not into the script text.
INJECTION_SAFE = """
name: Triage
on:
  issues:
    types: [opened]
permissions: read-all
jobs:
  label:
    runs-on: ubuntu-latest
    steps:
      - name: Echo the title
        env:
          TITLE: ${{ github.event.issue.title }}
        run: echo "New issue $TITLE"
      - if: ${{ contains(github.event.issue.body, 'urgent') }}
        run: echo "number ${{ github.event.issue.number }}"
"""


def test_a_safe_ci_workflow_has_no_findings_and_is_read_only() -> None:
    wf = parse_workflow(".github/workflows/ci.yml", SAFE, TEST_WORDS)
    assert wf.parsed
    assert set(wf.triggers) == {"push", "pull_request"}
    assert wf.permissions.level == "scoped" and wf.permissions.write_scopes == ()
    assert not wf.permissions.has_write
    assert [a.uses.split("@")[0] for a in wf.actions] == ["actions/checkout", "actions/setup-python"]
    assert all(a.pinned and a.owner == "actions" for a in wf.actions)
    assert not wf.untrusted_checkouts and not wf.script_injections
    assert [p.pinned for p in wf.pip_installs] == [True]
    assert wf.test_hints and "pytest" in " ".join(wf.test_hints)


def test_tags_are_not_pins_and_local_actions_are_not_dependencies() -> None:
    wf = parse_workflow(".github/workflows/build.yml", UNPINNED)
    refs = {a.uses: a for a in wf.actions}
    assert set(refs) == {"actions/checkout@v4", "codecov/codecov-action@v4.0.1", "docker://alpine:3.19"}
    assert not any(a.pinned for a in wf.actions)
    assert refs["codecov/codecov-action@v4.0.1"].owner == "codecov"
    assert refs["docker://alpine:3.19"].kind == "docker" and refs["docker://alpine:3.19"].owner == "alpine"
    assert wf.permissions.level == "undeclared"
    assert wf.jobs[0].permissions.level == "undeclared"


def test_pip_installs_are_found_across_lines_and_continuations() -> None:
    wf = parse_workflow(".github/workflows/build.yml", UNPINNED)
    commands = [p.command for p in wf.pip_installs]
    assert commands[0] == "python -m pip install --upgrade pip"
    assert commands[1].startswith("pip install -r requirements.txt --extra-index-url")
    assert not any(p.pinned for p in wf.pip_installs)


def test_a_docker_step_pinned_by_digest_counts_as_pinned() -> None:
    text = "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: docker://alpine@sha256:" + "a" * 64
    (ref,) = parse_workflow("w.yml", text).actions
    assert ref.kind == "docker" and ref.pinned


def test_pull_request_target_checking_out_the_pr_head_is_an_untrusted_checkout() -> None:
    wf = parse_workflow(".github/workflows/preview.yml", PWN_REQUEST)
    assert wf.triggers == ("pull_request_target",)
    assert wf.permissions.level == "write-all" and wf.permissions.has_write
    (finding,) = wf.untrusted_checkouts
    assert finding.job == "preview" and finding.step == "step 1"
    assert "github.event.pull_request.head.sha" in finding.detail and "pull_request_target" in finding.detail


def test_pull_request_target_checking_out_the_base_is_not_flagged() -> None:
    safe = PWN_REQUEST.replace("        with:\n          ref: ${{ github.event.pull_request.head.sha }}\n", "")
    assert not parse_workflow("w.yml", safe).untrusted_checkouts


@pytest.mark.parametrize(
    "ref",
    [
        "${{ github.event.workflow_run.head_sha }}",
        "${{ github.event.workflow_run.head_branch }}",
        "refs/pull/${{ github.event.workflow_run.pull_requests[0].number }}/merge",
    ],
)
def test_workflow_run_checking_out_the_triggering_code_is_flagged(ref: str) -> None:
    text = f"""
on:
  workflow_run:
    workflows: [CI]
    types: [completed]
jobs:
  report:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          ref: {ref}
"""
    (finding,) = parse_workflow("w.yml", text).untrusted_checkouts
    assert "workflow_run" in finding.detail


def test_the_same_checkout_on_plain_pull_request_is_not_privileged() -> None:
    text = PWN_REQUEST.replace("pull_request_target", "pull_request")
    assert not parse_workflow("w.yml", text).untrusted_checkouts


def test_untrusted_event_fields_in_run_and_github_script_are_injections() -> None:
    wf = parse_workflow(".github/workflows/triage.yml", INJECTION)
    details = [f.detail for f in wf.script_injections]
    assert details == [
        "run: interpolates untrusted github.event.issue.title",
        "github-script interpolates untrusted github.event.comment.body",
    ]
    assert wf.script_injections[0].step == "step 1 (Echo the title)"
    assert wf.jobs[0].permissions.write_scopes == ("issues",)


def test_untrusted_fields_passed_through_env_or_used_in_conditions_are_safe() -> None:
    wf = parse_workflow(".github/workflows/triage.yml", INJECTION_SAFE)
    assert not wf.script_injections
    assert wf.permissions.level == "read-all"


@pytest.mark.parametrize(
    "expression",
    [
        "github.head_ref",
        "github.event.pull_request.title",
        "github.event.pull_request.head.ref",
        "github.event.review.body",
        "github.event.discussion.body",
        "github.event.head_commit.message",
        "github.event.commits[0].author.email",
        "toJSON(github.event)",
    ],
)
def test_every_attacker_controlled_field_in_a_script_is_flagged(expression: str) -> None:
    text = f"on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{{{ {expression} }}}}\n"
    (finding,) = parse_workflow("w.yml", text).script_injections
    assert expression.split("[")[0].split("(")[-1] in finding.detail


@pytest.mark.parametrize(
    "expression", ["github.event.issue.number", "github.sha", "github.repository", "github.event.pull_request.number"]
)
def test_fields_an_outsider_cannot_shape_are_not_flagged(expression: str) -> None:
    text = f"on: pull_request\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: echo ${{{{ {expression} }}}}\n"
    assert not parse_workflow("w.yml", text).script_injections


def test_the_bare_on_key_that_yaml_reads_as_true_still_gives_the_triggers() -> None:
    text = "on:\n  pull_request:\n  push:\njobs:\n  a:\n    runs-on: x\n    steps: []\n"
    assert parse_workflow("w.yml", text).triggers == ("pull_request", "push")
    assert parse_workflow("w.yml", "on: push\njobs: {a: {runs-on: x}}").triggers == ("push",)


def test_a_broken_file_is_reported_not_raised() -> None:
    broken = parse_workflow("w.yml", "on: [push\njobs:\n  a: {")
    assert not broken.parsed and broken.error is not None and "line" in broken.error
    assert parse_workflow("w.yml", "- just\n- a list\n").error == "not a workflow: the YAML is not a mapping"
    assert parse_workflow("w.yml", "on: push\nname: x\n").error == "not a workflow: no `jobs` mapping"


def test_reusable_workflows_are_dependencies_and_their_job_can_be_a_test_run() -> None:
    text = f"""
on: pull_request
jobs:
  tests:
    uses: octo-org/shared/.github/workflows/python-tests.yml@{SHA}
  lint:
    uses: octo-org/shared/.github/workflows/lint.yml@main
  local:
    uses: ./.github/workflows/local.yml
"""
    wf = parse_workflow("w.yml", text, TEST_WORDS)
    kinds = {(a.job, a.kind, a.pinned) for a in wf.actions}
    assert kinds == {("tests", "reusable_workflow", True), ("lint", "reusable_workflow", False)}
    assert any(h.startswith("job tests") for h in wf.test_hints)


def test_test_keywords_match_whole_words_so_checkout_and_latest_are_not_tests() -> None:
    text = """
on: pull_request
jobs:
  checks:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: pip install tool@latest && ruff check .
"""
    assert parse_workflow("w.yml", text, ("test", "check")).test_hints == ("job checks step 2: check",)
    assert parse_workflow("w.yml", text, ("test",)).test_hints == ()


def test_permissions_levels_are_read_at_top_and_job_level() -> None:
    text = """
on: push
permissions: {}
jobs:
  release:
    runs-on: x
    permissions:
      contents: write
      id-token: write
      pull-requests: read
  build:
    runs-on: x
    permissions: read-all
"""
    wf = parse_workflow("w.yml", text)
    assert wf.permissions.level == "none" and not wf.permissions.has_write
    jobs = {j.id: j.permissions for j in wf.jobs}
    assert jobs["release"].write_scopes == ("contents", "id-token")
    assert jobs["build"].level == "read-all"


def test_analyze_workflows_reads_only_workflow_files_in_path_order() -> None:
    files = {
        ".github/workflows/z.yml": SAFE,
        ".github/workflows/a.yaml": UNPINNED,
        "SECURITY.md": "policy",
        ".github/dependabot.yml": "version: 2",
    }
    assert [w.path for w in analyze_workflows(files)] == [".github/workflows/a.yaml", ".github/workflows/z.yml"]


@pytest.mark.parametrize(
    ("command", "pinned"),
    [
        ("pip install --require-hashes -r requirements.txt", True),
        ("pip install -r requirements.txt", False),
        ("pip install requests==2.31.0", False),
        ("pip install dist/pkg-1.0-py3-none-any.whl", True),
        ("pip install dist/pkg.whl requests", False),
        ("pip install .", False),
        ("pip install -e .", False),
        ("pip install --no-deps -e .", True),
        (f"pip install --no-deps -e git+https://example.org/pkg.git@{SHA}", True),
        ("pip install --no-deps -e git+https://example.org/pkg.git@main", False),
        ("python3 -m pip install --upgrade pip", False),
    ],
)
def test_pip_installs_are_pinned_by_scorecards_rules(command: str, pinned: bool) -> None:
    assert pip_install_pinned(command) is pinned
