"""Every user-facing wording of the input layer, in one place.

Keeping the templates together makes the tone consistent, lets a reviewer read all messages at
once, and keeps the checking code free of prose. Functions (rather than bare strings) are used
where a message needs a little logic, such as a "did you mean" tail.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterable
from typing import Any

MIB = 1024 * 1024

# ----------------------------------------------------------------------------- reading and YAML

CANNOT_READ = "cannot read the file: {reason}"
TOO_LARGE = "file is too large ({size:.1f} MiB; the limit is {limit:.0f} MiB)"
BINARY = "file is binary (it contains NUL bytes), not YAML text"
NOT_UTF8 = "file is not UTF-8 text (byte 0x{byte:02x} cannot be decoded)"
EMPTY = "file is empty"
YAML_SYNTAX = "YAML syntax error: {problem}"
YAML_CONTEXT = " ({context} at line {line})"
BAD_CHARACTER = "YAML syntax error: {reason} (character {char!r})"
MORE_THAN_ONE_DOCUMENT = "the file holds more than one YAML document; put one document per file"
DUPLICATE_KEY = "duplicate key '{key}' (also defined on line {first_line})"
NON_STRING_KEY = "keys must be text, but this key is read as {got}; put it in quotes"
UNSUPPORTED_TAG = "YAML tag '{tag}' is not supported; only plain data is allowed"
BAD_SCALAR = "cannot read the value {value} as {what}: {reason}"
TOO_MANY_NODES = (
    "file expands to more than {limit:,} values (are aliases (*name) repeating a large anchor?)"
)
TOO_DEEP = "values are nested more than {limit} levels deep"
BAD_MERGE = "the merge key '<<' needs a mapping or a list of mappings"
TOP_NOT_MAPPING = "the top level must be a mapping of keys (such as 'kind: catalog'), not {got}"

# ----------------------------------------------------------------------------- kind and version

MISSING_KIND = "missing key 'kind'; it says what the file holds: one of {kinds}"
UNKNOWN_KIND = "unknown kind {got}{hint} (the kinds are: {kinds})"
MISSING_VERSION = "missing key 'version'; use 'version: 1'"
UNSUPPORTED_VERSION = "unsupported version {got}; this stackfit reads version 1"
WRONG_KIND_HERE = "expected a {expected} file here, but this file is kind '{got}'"

# ----------------------------------------------------------------------------- schema

UNKNOWN_KEY = "unknown key '{key}'{hint}"
MISSING_KEY = "missing key '{key}'"
WRONG_TYPE = "expected {expected}, got {got}"
NOT_ALLOWED = "{got} is not allowed; use one of: {allowed}"
TOO_SMALL = "must be at least {limit}, got {got}"
TOO_SMALL_STRICT = "must be more than {limit}, got {got}"
TOO_BIG = "must be at most {limit}, got {got}"
TOO_BIG_STRICT = "must be less than {limit}, got {got}"
EMPTY_LIST = "must not be empty"
TOO_FEW_ITEMS = "needs at least {limit} items, got {got}"
TOO_MANY_ITEMS = "allows at most {limit} items, got {got}"
TOO_LONG_TEXT = "is too long ({got} characters; at most {limit})"
BAD_ID = (
    "{got} is not a valid id: use lowercase letters, digits, '.', '_' and '-', "
    "starting with a letter or digit"
)
BAD_TOOL_REF = (
    "{got} is not a valid id: use lowercase letters, digits, '.', '_' and '-', "
    "starting with a letter or digit (and optionally @version, such as spark@3.5)"
)
BAD_VERSION = (
    "{got} is not a version: letters, digits, '.', '_', '+' and '-', starting with a letter "
    "or digit (such as 3.5)"
)
BAD_URL = "{got} is not a web address (it must start with http:// or https://, no spaces)"
BAD_LICENSE = "{got} is not an SPDX licence expression (such as 'Apache-2.0' or 'proprietary')"
BAD_PATTERN = "{got} does not match the pattern {pattern}"
INVALID = "{message}"

# ----------------------------------------------------------------------------- references

UNKNOWN_REF = "unknown {what} '{ref}'{hint}"
DUPLICATE_TOOL = "tool '{id}' is defined twice in the same catalog (also in {other})"
CONFLICTING_ENTRY = "{what} '{id}' is defined differently in {other}"
NOT_A_STAGE = "'{ref}' in feeds is a {kind}, not a stage"
DUPLICATE_TOOL_SECTION = (
    "{section} for tool '{id}' given twice in the same catalog (also in {other})"
)
UNKNOWN_CYCLE = "{tool} has no release cycle '{version}' (known: {known}){hint}"
NO_CYCLES = (
    "{tool}@{version}: the catalog has no release cycles for {tool}, so a pinned version cannot "
    "be judged; add them in a catalog's lifecycle section, or drop the version"
)
SELF_INTEGRATION = "tool '{id}' lists an integration with itself"
RUNS_IN_OWN_RUNTIME = "{id} runs inside the {runtime} runtime, so it cannot host it too: remove {runtime} from its standards"
ROLE_NOT_IN_STACK = "role '{capability}' names tool '{tool}', which is not in this stack's tools"
ROLE_LACKS_CAPABILITY = (
    "tool '{tool}' cannot serve role '{capability}'; the catalog lists its capabilities as: "
    "{capabilities}"
)
ENDPOINT_NOT_IN_STACK = "tool '{tool}' is not in this stack's tools"
EMPTY_FOLDER = "folder holds no YAML files"
NO_SUCH_PATH = "no such file or folder"
MANY_REQUIREMENTS = (
    "found {count} requirements files ({files}); choose one explicitly to evaluate against"
)

# ----------------------------------------------------------------------------- helpers


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A "; did you mean 'x'?" tail, or nothing when no candidate is close. Besides spelling, an
    id that is one part of longer ids is suggested too ('s3' -> 'aws-s3', 'dbt' -> 'dbt-core'):
    people name tools by their short name."""
    known = sorted(set(candidates))
    wanted = word.casefold()
    parts = [c for c in known if wanted in c.casefold().replace("_", "-").split("-")]
    if 1 <= len(parts) <= 3 and word not in known:
        return "; did you mean " + " or ".join(f"'{c}'" for c in parts) + "?"
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


MAX_HINTS = 100
"""Suggestions worked out per file. Each costs about a millisecond over a few hundred ids, so a
file of 60,000 unknown ids took a minute; past this many, errors come without "did you mean"
(a file with that many unknown ids is not a typo)."""


class Hints:
    """ "did you mean" for one file's errors, within a budget of ``limit`` suggestions."""

    def __init__(self, limit: int = MAX_HINTS) -> None:
        self.left = limit

    def did_you_mean(self, word: str, candidates: Iterable[str]) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        return did_you_mean(word, candidates)

    def unknown_ref(self, what: str, ref: str, known: Iterable[str]) -> str:
        return UNKNOWN_REF.format(what=what, ref=ref, hint=self.did_you_mean(ref, known))

    def unknown_key(self, key: str, allowed: Iterable[str]) -> str:
        allowed = sorted(set(allowed))
        hint = self.did_you_mean(key, allowed)
        if not hint and allowed and self.left > 0:
            hint = f"; allowed keys: {', '.join(allowed)}"
        return UNKNOWN_KEY.format(key=key, hint=hint)


def unknown_key(key: str, allowed: Iterable[str]) -> str:
    allowed = sorted(set(allowed))
    hint = did_you_mean(key, allowed)
    if not hint and allowed:
        hint = f"; allowed keys: {', '.join(allowed)}"
    return UNKNOWN_KEY.format(key=key, hint=hint)


def unknown_ref(what: str, ref: str, known: Iterable[str]) -> str:
    return UNKNOWN_REF.format(what=what, ref=ref, hint=did_you_mean(ref, known))


def unknown_kind(got: Any, kinds: Iterable[str]) -> str:
    kinds = sorted(kinds)
    hint = did_you_mean(got, kinds) if isinstance(got, str) else ""
    return UNKNOWN_KIND.format(got=show(got), hint=hint, kinds=", ".join(kinds))


def one_of(values: Iterable[str]) -> str:
    return ", ".join(values)


def show(value: Any, limit: int = 40) -> str:
    """A value as the user wrote it: strings quoted, scalars in YAML spelling."""
    if isinstance(value, str):
        return f"'{value}'" if len(value) <= limit else f"'{value[: limit - 3]}...'"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return describe(value)


def describe(value: Any, limit: int = 40) -> str:
    """Name a value the way a YAML author sees it: its YAML type and a short rendering."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, str):
        shown = value if len(value) <= limit else value[: limit - 3] + "..."
        return f"text '{shown}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    return type(value).__name__


# ---- gathering inputs for a comparison (evaluator.app)
NO_REQUIREMENTS = "no requirements file found; name one with -r/--requirements"
NO_STACKS = "no stack files found"
DUPLICATE_UNIT = "unit id '{id}' is also used by units[{other}]; ids tell units apart in reports"
UNIT_CAPABILITY_NOT_DECLARED = (
    "capability '{capability}' is not among the organisation's capabilities; a unit changes "
    "what the organisation declares: declare it there (a unit that does not use it leaves it "
    "out of 'uses')"
)
DUPLICATE_STACK_NAME = (
    "stack name {name!r} is also used by {other}; names tell stacks apart in reports"
)

# ---- the catalog commands (evaluator.catalog_tools)
BAD_FILTER_LEVEL = "{value!r}: the level after ':' must be 1, 2 or 3"
LINT_DUPLICATE_INTEGRATION = "lists the integration with '{target}' more than once"
LINT_DUPLICATE = (
    "{what} {value!r} is the same as {what} {other_value!r} of '{other}' ({where}) "
    "apart from case, punctuation or an 'Apache' prefix"
)
LINT_INTEGRATION_CONFLICT = (
    "says its integration with '{target}' is {kind}, but '{target}' says {other_kind} ({where}); "
    "make both sides agree"
)
LINT_ISOLATED = (
    "this stage feeds no stage and no stage feeds it, so it takes part in no handoff: "
    "add it to a 'feeds' list or give it one"
)
LINT_FEEDS_BACKWARDS = (
    "feeds '{target}' (order {target_order}), which is not later than this stage (order {order}): "
    "the lifecycle would run backwards"
)
LINT_FEW_TOOLS = "only {count} tool(s) serve this capability (at least {minimum} wanted): {tools}"
LINT_STALE = "as_of {as_of} is {days} days old; re-check the facts against the sources"
LINT_FUTURE = "as_of {as_of} is after today ({today})"
LINT_DUPLICATE_SOURCE = "source {url} is listed twice"
LINT_IMPORTED = (
    "imported entry, not yet curated: check licence, deployment, openness, capability levels "
    "and integrations against the sources, then set 'curation: curated'"
)
LINT_LICENSE_ID = (
    "{part!r} is not an SPDX licence id stackfit knows (nor 'proprietary', 'unknown' or "
    "LicenseRef-...); check the spelling at https://spdx.org/licenses/"
)
LINT_LICENSE_UNKNOWN = "licence is 'unknown'; scoring counts it as proprietary until it is checked"
LINT_REPO_ON_PROPRIETARY = (
    "proprietary tool with a repo; if the product's source is open, give its licence instead"
)
LINT_OPEN_CORE_PROPRIETARY = (
    "the tool is proprietary and its open edition is a separate project; say which licence the "
    "open edition has in open_core.license"
)
LINT_OPEN_CORE_NOT_OPEN = "open_core.license is proprietary; an open edition needs an open licence"
LINT_NO_REPO = "licensed {license} but no repo; add the source repository"
LINT_V2_MISSING = (
    "no {field}: model v2 {use} (see docs/catalog.md); without it the tool is {fallback}"
)
LINT_GOVERNANCE_UNSTATED = (
    "governance leaves {fields} unstated, which reads as absent: state each as found (true, false, "
    "a granularity) or as unknown with an unverified note"
)
LINT_PRICING_SOURCE = "pricing has no source: say where the price or the estimate comes from"
LINT_SELF_HOSTED_DAYS = (
    "deployable self-hosted but operations has no self_hosted_days: running it yourself is "
    "priced at the default effort"
)
LINT_CARRIES_NO_GOVERNANCE = (
    "integration with {other} carries {concern}, but neither tool serves {concern}: a concern is "
    "carried by the governance tool that serves it"
)
LINT_OPEN_CORE_CONTRADICTION = (
    "the open edition lacks {lacked!r}, yet governance.{field} claims it for this entry, "
    "which is the open edition (its licence); record the feature as the open edition has it"
)
LINT_HISTORY_CHANGE_DAY = (
    "until {until} is the change day its note gives; until is the last day of the old licence "
    "(the day before)"
)
LINT_HISTORY_ORDER = "license_history 'until' {until} is not after the previous one ({previous})"
LINT_HISTORY_AFTER = "license_history 'until' {until} is after as_of {as_of}"
LINT_HISTORY_UNCHANGED = (
    "the last license_history entry already has the current licence {license}; "
    "history lists earlier licences only"
)
LANDSCAPE_NOT_A_LANDSCAPE = (
    "not a landscape file: expected a top-level 'landscape' list of categories "
    "(the CNCF / LF AI & Data landscape.yml format)"
)
LANDSCAPE_BAD_ENTRY = "expected a {what} mapping with a 'name'"

# ---- decision records, check and diff (evaluator.decisions)
RECORD_NO_FRONT_MATTER = "a decision record starts with YAML front matter between '---' lines"
RECORD_BAD_EVIDENCE = (
    "the stackfit-evidence block of this decision record is not valid JSON of the expected shape"
)
RECORD_NO_STATUS = "the front matter has no 'status:' line"
RECORD_NO_SUCH_STACK = "no stack named {name!r} among the options{hint}; the options are: {names}"
RECORD_NEEDS_BECAUSE = "{name!r} is {what}; choosing it needs a reason: add --because TEXT"
RECORD_AMBIGUOUS_NUMBER = (
    "{count} decision records are numbered {number} ({files}); renumber all but one, then "
    "run the command again"
)
RECORD_NO_SUCH_NUMBER = "no decision record numbered {number} in {folder}"
RECORD_OUTSIDE_REPO = "is outside the repository at {root}; decision records name inputs by their path in the repository"
RECORD_INPUT_GONE = (
    "input {path} of decision {record} no longer exists; supersede or deprecate the decision"
)
RECORD_PATH_OUTSIDE = (
    "{path} leaves the repository at {root} (an absolute path, '..' or a symbolic link out of it); "
    "a decision record names its inputs by their path inside the repository"
)
RECORD_PATH_NOT_FILE = "{path} is not a regular file; a decision record's inputs are YAML files"
RECORD_PATH_NOT_FOLDER = "{path} is not a folder; catalog dirs name folders of catalog files"
RECORD_EXISTS = "a decision record with this number was written meanwhile; run the command again"
NO_DECISIONS_FOLDER = "no such decisions folder"
GIT_BAD_REVISION = "{rev!r} is not a revision of this repository"
GIT_NOT_A_REPO = "not inside a git repository (git rev-parse failed: {reason})"
GIT_FAILED = "git {command} failed: {reason}"

# ---- stackfit recommend (evaluator.cli.recommend_cmd)
RECOMMEND_ROLES_IGNORED = (
    "note: {file} assigns roles; recommend keeps its tools and declared integrations but lets "
    "the scoring model's default owner rule pick who serves each capability"
)

TOO_MANY_FILES = (
    "{count:,} files to read, more than the {limit:,} one comparison takes; split the folder "
    "(or use `stackfit recommend` to search the catalog)"
)
