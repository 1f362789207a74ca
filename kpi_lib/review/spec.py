"""The review specification: every setting of one review, made once, validated, frozen.

A review (``kpi review`` or a notebook opened on its own) is described by one
:class:`ReviewSpec`. It is built from, in order of precedence (later wins):

1. the defaults in :data:`REVIEW_SETTINGS` (review-wide settings) and the notebooks' own
   ``parameters`` cells (settings only one notebook uses, such as the Sobol sample size);
2. each ``--params`` YAML file;
3. ``--period``, ``--cycle``, ``--dataset``;
4. ``--set KEY=VALUE``.

Every key is checked before any notebook runs: an unknown key is an error that names the
nearest valid keys, a value of the wrong type or outside its allowed set is an error naming
the allowed values. :func:`resolve_spec` then checks the specification against the data (the
period exists, the scheme's indicators can be computed) and fixes the exact windows the review
covers. The finished specification is frozen and hashed; every page of a review shows the same
hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

import yaml

from kpi_lib._util import check_currency, nearest
from kpi_lib.indicators.catalogue import LANGUAGES
from kpi_lib.indicators.periods import (
    CYCLES,
    cycle_label_granularity,
    parse_period,
    period_label,
)

__all__ = [
    "DEFAULT_CURRENCY",
    "REVIEW_SETTINGS",
    "ReviewSpec",
    "SpecError",
    "Setting",
    "build_spec",
    "read_params_file",
]


class SpecError(ValueError):
    """A review setting is unknown, malformed or does not fit the data.

    The message is one paragraph a user can act on; the CLI prints it without a traceback.
    """


@dataclass(frozen=True)
class Setting:
    """One review-wide setting: its default, type, allowed values and help text."""

    default: object
    kind: type
    help: str
    choices: tuple = ()
    minimum: float | None = None


#: Money is in Chinese yuan unless the dataset (``currency`` in ``dataset.yaml``) or the
#: review (the ``currency`` setting) says otherwise.
DEFAULT_CURRENCY = "CNY"

#: Review-wide settings: their only home. Every notebook of a review reads them from the
#: specification; none declares its own default.
REVIEW_SETTINGS: dict[str, Setting] = {
    "dataset": Setting(
        "", str, "dataset folder (absolute, or relative to the project); empty: the shipped sample"
    ),
    "cycle": Setting(
        "monthly",
        str,
        "review cycle: decides what is assessed",
        choices=CYCLES,
    ),
    "period": Setting(
        "", str, "period of the cycle (2026-10, 2026-Q3, 2026, 2026-W43); empty: last complete"
    ),
    "team": Setting("", str, "comma-separated team ids to review; empty: every team"),
    "language": Setting("en", str, "language of every page", choices=LANGUAGES),
    "currency": Setting(
        "",
        str,
        "ISO 4217 code of every amount of money on the pages and in the exports (CNY, HKD, "
        "TWD...); empty: the dataset's `currency` (dataset.yaml), else CNY",
    ),
    "definitions": Setting(
        "", str, "indicator definitions YAML (effective-call rule...); empty: the defaults"
    ),
    "scheme": Setting("default", str, "weight scheme name or YAML path"),
    "targets": Setting(
        "dataset",
        str,
        "where targets come from: the dataset's targets table (dataset), the scheme (scheme) "
        "or the agents' own history (history); missing targets fall back to history",
        choices=("dataset", "scheme", "history"),
    ),
    "bonus_pool": Setting(100_000.0, float, "bonus pool shared by composite score", minimum=0),
    "pip_bottom_tiers": Setting(
        0,
        int,
        "how many of the scheme's lowest tiers count for an improvement plan; 0: the scheme's "
        "rule (rules.pip, default 1)",
        minimum=0,
    ),
    "pip_min_count": Setting(
        0,
        int,
        "improvement plan: periods in a bottom tier within the window; 0: the scheme's rule "
        "(default 2)",
        minimum=0,
    ),
    "pip_window": Setting(
        0, int, "improvement plan: periods looked back; 0: the scheme's rule (default 3)", minimum=0
    ),
    "top_k": Setting(10, int, "size of the bonus group in the rank-uncertainty study", minimum=1),
    "draws": Setting(1000, int, "weight draws of the rank-uncertainty study", minimum=10),
    "perturbation": Setting(
        0.2, float, "relative size of the weight perturbation (0.2 = +/-20 %)", minimum=0
    ),
    "seed": Setting(0, int, "random seed of every draw and bootstrap of the review"),
    "n_boot": Setting(200, int, "bootstrap replicates of the bunching estimator", minimum=10),
    "conflict_months": Setting(
        6, int, "conflict diagnosis look-back: periods ending with the reviewed one", minimum=1
    ),
    "alpha": Setting(0.05, float, "false-discovery rate of every finding", minimum=0),
    "health_findings": Setting(
        10, int, "how many conflict and gaming findings the period review shows", minimum=0
    ),
    "max_agent_pages": Setting(
        12, int, "one-to-one pages when no team is selected (a team gets every agent)", minimum=0
    ),
}


def _freeze(value):
    if isinstance(value, Mapping):
        return MappingProxyType({k: _freeze(v) for k, v in value.items()})
    if isinstance(value, list | tuple):
        return tuple(_freeze(v) for v in value)
    return value


def _thaw(value):
    if isinstance(value, Mapping):
        return {k: _thaw(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


@dataclass(frozen=True)
class ReviewSpec:
    """Every setting of one review, validated and frozen.

    Attributes
    ----------
    settings : mapping
        Review-wide settings (keys of :data:`REVIEW_SETTINGS`), after merging.
    notebooks : tuple of str
        Notebook stems the review renders, in order.
    notebook_settings : mapping
        Notebook stem -> settings only that notebook uses (from its parameters cell).
    windows : mapping
        Filled by :func:`~kpi_lib.review.validate.resolve_spec`: the exact window of the
        period (``start``, ``end`` as ISO dates, end inclusive), the period that is scored
        (``scored_period``; the month of a weekly review), the previous period, and the
        conflict-diagnosis window (``conflict_from``, ``conflict_to``, ``conflict_periods``).
    adapted : mapping
        Filled by :func:`~kpi_lib.review.validate.resolve_spec` when the data made the review
        adapt: ``scheme`` -> ``{"dropped": [{"indicator", "role", "needs"}], "weights":
        {indicator: share of the composite}, "original_weights": {...}}`` when the scheme's
        ``missing_indicators: renormalise`` dropped indicators the dataset cannot provide.
    """

    settings: Mapping = field(default_factory=dict)
    notebooks: tuple[str, ...] = ()
    notebook_settings: Mapping = field(default_factory=dict)
    windows: Mapping = field(default_factory=dict)
    adapted: Mapping = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "settings", _freeze(dict(self.settings)))
        object.__setattr__(self, "notebooks", tuple(self.notebooks))
        object.__setattr__(self, "notebook_settings", _freeze(dict(self.notebook_settings)))
        object.__setattr__(self, "windows", _freeze(dict(self.windows)))
        object.__setattr__(self, "adapted", _freeze(dict(self.adapted)))

    def __getattr__(self, name: str):
        # settings read as attributes: spec.period, spec.language ...
        settings = object.__getattribute__(self, "settings")
        if name in settings:
            return settings[name]
        raise AttributeError(name)

    def for_notebook(self, name: str) -> dict:
        """Settings of one notebook (its own keys only)."""
        return _thaw(self.notebook_settings.get(name, {}))

    def to_dict(self) -> dict:
        """Plain JSON-ready form (what ``spec.json`` and ``manifest.json`` record)."""
        return {
            "settings": _thaw(self.settings),
            "notebooks": list(self.notebooks),
            "notebook_settings": _thaw(self.notebook_settings),
            "windows": _thaw(self.windows),
            **({"adapted": _thaw(self.adapted)} if self.adapted else {}),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ReviewSpec:
        return cls(
            settings=data.get("settings", {}),
            notebooks=tuple(data.get("notebooks", ())),
            notebook_settings=data.get("notebook_settings", {}),
            windows=data.get("windows", {}),
            adapted=data.get("adapted", {}),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False, indent=1)

    @property
    def hash(self) -> str:
        """Short fingerprint of the whole specification (the same on every page)."""
        canonical = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:12]

    def with_windows(self, **windows) -> ReviewSpec:
        return replace(self, windows={**_thaw(self.windows), **windows})

    def with_adapted(self, **adapted) -> ReviewSpec:
        return replace(self, adapted={**_thaw(self.adapted), **adapted})

    def with_settings(self, **settings) -> ReviewSpec:
        return replace(self, settings={**_thaw(self.settings), **settings})

    @property
    def currency(self) -> str:
        """ISO 4217 code of every amount of money the review shows: the ``currency`` setting
        (filled from the dataset by :func:`~kpi_lib.review.validate.resolve_spec` when the
        review leaves it empty), else :data:`DEFAULT_CURRENCY`."""
        return self.settings.get("currency") or DEFAULT_CURRENCY

    @property
    def teams(self) -> list[str]:
        return [t.strip() for t in str(self.settings["team"]).split(",") if t.strip()]


# ------------------------------------------------------------------------------ reading


def read_params_file(path: str | Path) -> dict:
    """A ``--params`` YAML file as a mapping, with a clear error for anything else."""
    p = Path(path).expanduser()
    if not p.is_absolute() and not p.exists():
        from kpi_lib.paths import resolve

        p = resolve(path)
    if not p.is_file():
        raise SpecError(f"Parameter file {str(path)!r} does not exist.")
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SpecError(
            f"Parameter file {str(path)!r} is not valid YAML{where}: "
            f"{getattr(exc, 'problem', exc)}. Fix the file and run again."
        ) from None
    except UnicodeDecodeError:
        raise SpecError(f"Parameter file {str(path)!r} is not UTF-8 text.") from None
    if not isinstance(data, dict):
        raise SpecError(
            f"Parameter file {str(path)!r} must hold a mapping of keys to values, "
            f"not {type(data).__name__}."
        )
    return data


def _coerce(key: str, value, setting_kind: type, *, source: str, choices=(), minimum=None):
    """A setting's value in its declared type (CLI values arrive as text)."""
    if setting_kind is str:
        if value is None:
            return ""
        if isinstance(value, bool | dict | list):
            raise SpecError(f"`{key}` ({source}) must be text, but {value!r} was given.")
        # YAML reads 2026 as a number and 2026-10 stays text; a period is always text
        out = str(value)
    elif setting_kind is bool:
        if isinstance(value, str):
            low = value.strip().lower()
            if low in ("true", "yes", "1"):
                return True
            if low in ("false", "no", "0"):
                return False
        if not isinstance(value, bool):
            raise SpecError(f"`{key}` ({source}) must be true or false, but {value!r} was given.")
        out = value
    elif setting_kind in (int, float):
        if isinstance(value, str):
            try:
                value = yaml.safe_load(value)
            except yaml.YAMLError:
                pass
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise SpecError(f"`{key}` ({source}) must be a number, but {value!r} was given.")
        if setting_kind is int:
            if float(value) != int(value):
                raise SpecError(f"`{key}` ({source}) must be a whole number, not {value!r}.")
            out = int(value)
        else:
            out = float(value)
        if out != out or out in (float("inf"), float("-inf")):
            raise SpecError(f"`{key}` ({source}) must be a finite number, not {value!r}.")
        if minimum is not None and out < minimum:
            raise SpecError(f"`{key}` ({source}) must be at least {minimum}, not {value!r}.")
    elif setting_kind in (list, tuple):
        if isinstance(value, str):
            try:
                parsed = yaml.safe_load(value)
            except yaml.YAMLError:
                parsed = None
            value = parsed if isinstance(parsed, list) else [value]
        if not isinstance(value, list | tuple):
            raise SpecError(f"`{key}` ({source}) must be a list, but {value!r} was given.")
        out = list(value)
    elif setting_kind is dict:
        if isinstance(value, str):
            try:
                value = yaml.safe_load(value)
            except yaml.YAMLError:
                pass
        if not isinstance(value, dict):
            raise SpecError(f"`{key}` ({source}) must be a mapping, but {value!r} was given.")
        out = dict(value)
    else:
        out = value
    if choices and out not in choices:
        close = nearest(str(out), choices)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise SpecError(
            f"`{key}` ({source}) must be one of {list(choices)}, but {out!r} was given.{hint}"
        )
    return out


_KINDS = {"str": str, "int": int, "float": float, "bool": bool, "list": list, "dict": dict}


def _declared_kind(info: Mapping) -> type:
    name = str(info.get("inferred_type_name", "")).split("[")[0].strip()
    return _KINDS.get(name, object)


def _unknown_key(key: str, valid: Iterable[str], source: str) -> SpecError:
    valid = sorted(set(valid))
    close = nearest(key, valid, n=3)
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return SpecError(
        f"Unknown review setting {key!r} ({source}).{hint} Valid settings: {', '.join(valid)}."
    )


def build_spec(
    *,
    params_files: Iterable[str | Path] = (),
    period: str | None = None,
    cycle: str | None = None,
    dataset: str | None = None,
    overrides: Mapping | None = None,
    notebooks: Iterable[str] | None = None,
    notebook_parameters: Mapping[str, Mapping] | None = None,
    notebook_dir: str | Path | None = None,
) -> ReviewSpec:
    """Merge and check the review settings (no data is read here).

    Parameters
    ----------
    params_files : paths
        ``--params`` YAML files, merged in order. A file may hold ``notebooks`` (list of
        notebook stems), ``parameters`` (settings), ``notebook_parameters`` (per notebook) and
        settings at the top level.
    period, cycle, dataset : str, optional
        The command-line options of the same name.
    overrides : mapping, optional
        ``--set KEY=VALUE`` pairs; text values are read in the setting's type.
    notebooks : list of str, optional
        Notebook stems (default: the params' ``notebooks``, else ``period_review``).
    notebook_parameters : mapping, optional
        Declared parameters per notebook (name -> papermill info); default: read from the
        notebooks in ``notebook_dir``.
    notebook_dir : path, optional
        Folder holding the notebooks (default: the project's ``notebooks/``).

    Returns
    -------
    ReviewSpec
        With ``windows`` still empty (see :func:`~kpi_lib.review.validate.resolve_spec`).

    Raises
    ------
    SpecError
        For an unknown key (naming the nearest valid ones), a value of the wrong type or
        outside its allowed values, an unknown notebook, or a period that does not match the
        cycle's format.

    Examples
    --------
    >>> spec = build_spec(overrides={"language": "zh-Hans", "bonus_pool": "50000"})
    >>> spec.language, spec.bonus_pool, spec.cycle
    ('zh-Hans', 50000.0, 'monthly')
    >>> build_spec(overrides={"langauge": "zh-Hans"})
    Traceback (most recent call last):
    ...
    kpi_lib.review.spec.SpecError: Unknown review setting 'langauge' (--set). Did you mean 'language'? ...
    """
    files = [(str(f), read_params_file(f)) for f in params_files]
    chosen = list(notebooks) if notebooks else None
    if chosen is None:
        for _, data in files:
            if "notebooks" in data:
                nbs = data["notebooks"]
                if not isinstance(nbs, list) or not all(isinstance(n, str) for n in nbs):
                    raise SpecError("`notebooks` in a parameter file must be a list of names.")
                chosen = list(nbs)
    chosen = chosen or ["period_review"]
    # notebooks the parameter files list, of which --notebooks may pick a few: settings of
    # the others are kept out of this review rather than refused
    listed = {n for _, data in files for n in (data.get("notebooks") or []) if isinstance(n, str)}
    declared = dict(notebook_parameters) if notebook_parameters is not None else None
    if declared is None:
        declared = _declared_parameters(chosen, notebook_dir)
    # notebook-only settings: what a notebook declares beyond the review plumbing
    own: dict[str, dict[str, dict]] = {
        nb: {k: v for k, v in params.items() if k not in ("review", "settings")}
        for nb, params in declared.items()
    }
    for nb, params in own.items():
        clash = sorted(set(params) & set(REVIEW_SETTINGS))
        if clash:
            raise SpecError(
                f"Notebook {nb!r} declares review-wide settings {clash} in its parameters cell; "
                "they belong to the review specification only."
            )
    notebook_keys = {k for params in own.values() for k in params}
    valid_top = set(REVIEW_SETTINGS) | notebook_keys

    settings = {k: s.default for k, s in REVIEW_SETTINGS.items()}
    per_notebook: dict[str, dict] = {
        nb: {k: _default_value(info) for k, info in params.items()} for nb, params in own.items()
    }

    def put(key, value, source, notebook=None):
        if notebook is not None:
            if notebook not in own and notebook in listed:
                return
            if notebook not in own:
                raise SpecError(
                    f"`notebook_parameters` ({source}) names notebook {notebook!r}, which is "
                    f"not in this review; notebooks: {', '.join(chosen)}."
                )
            if key not in own[notebook]:
                raise _unknown_key(key, own[notebook], f"{source}, notebook {notebook}")
            info = own[notebook][key]
            per_notebook[notebook][key] = _coerce(key, value, _declared_kind(info), source=source)
            return
        if key in REVIEW_SETTINGS:
            s = REVIEW_SETTINGS[key]
            settings[key] = _coerce(
                key, value, s.kind, source=source, choices=s.choices, minimum=s.minimum
            )
            if key == "currency" and settings[key]:
                try:
                    settings[key] = check_currency(settings[key], f"currency ({source})")
                except ValueError as err:
                    raise SpecError(str(err)) from None
            return
        if key not in notebook_keys:
            raise _unknown_key(key, valid_top, source)
        for nb, params in own.items():
            if key in params:
                per_notebook[nb][key] = _coerce(
                    key, value, _declared_kind(params[key]), source=source
                )

    for name, data in files:
        source = f"file {name}"
        for key, value in data.items():
            if key == "notebooks":
                continue
            if key == "parameters":
                if not isinstance(value or {}, dict):
                    raise SpecError(f"`parameters` in {name} must be a mapping.")
                for k, v in (value or {}).items():
                    put(k, v, source)
            elif key == "notebook_parameters":
                if not isinstance(value or {}, dict):
                    raise SpecError(f"`notebook_parameters` in {name} must be a mapping.")
                for nb, values in (value or {}).items():
                    if not isinstance(values or {}, dict):
                        raise SpecError(f"`notebook_parameters.{nb}` in {name} must be a mapping.")
                    for k, v in (values or {}).items():
                        put(k, v, source, notebook=nb)
            else:
                put(key, value, source)
    for key, value in (("period", period), ("cycle", cycle), ("dataset", dataset)):
        if value is not None:
            put(key, value, f"--{key}")
    for key, value in (overrides or {}).items():
        put(key, value, "--set")

    _check_period_format(settings["period"], settings["cycle"])
    return ReviewSpec(settings=settings, notebooks=tuple(chosen), notebook_settings=per_notebook)


def _default_value(info: Mapping):
    """A notebook parameter's default, evaluated safely from its source text."""
    import ast

    text = info.get("default", "None")
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def _declared_parameters(notebooks: list[str], folder=None) -> dict[str, dict]:
    from kpi_lib.paths import notebooks_dir

    folder = Path(folder) if folder else notebooks_dir()
    missing = [n for n in notebooks if not (folder / f"{n}.ipynb").is_file()]
    if missing:
        available = sorted(p.stem for p in folder.glob("*.ipynb"))
        raise SpecError(
            f"Unknown notebook(s) {missing} in the review; available: {', '.join(available)}."
        )
    return {n: notebook_parameters(folder / f"{n}.ipynb") for n in notebooks}


def notebook_parameters(path: str | Path) -> dict[str, dict]:
    """Parameters a notebook declares in its ``parameters`` cell (name -> papermill info)."""
    import papermill as pm

    return {p["name"]: dict(p) for p in pm.inspect_notebook(str(path)).values()}


def _check_period_format(period: str, cycle: str) -> None:
    if not period:
        return
    granularity = cycle_label_granularity(cycle)
    example = period_label("2026-10-21", granularity)
    try:
        parsed = parse_period(period)
    except ValueError as err:
        raise SpecError(
            f"Period {period!r} does not fit the {cycle} cycle: write it like {example!r} ({err})"
        ) from None
    if parsed.granularity != granularity:
        raise SpecError(
            f"Period {period!r} does not fit the {cycle} cycle: write it like {example!r}."
        )
