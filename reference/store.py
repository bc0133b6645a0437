"""The golden store: the one module that reads and writes golden files, and the only one that knows their names.

Goldens live in three kinds of folder:

- a shipped example's, ``golden/NAME/`` beside its spec (and the documented
  example's ledger of published figures, ``published.csv``);
- the cache, for a spec anywhere else or a run longer than the spec's:
  ``$BACKPROP_VERIFY_CACHE``, else ``$XDG_CACHE_HOME/backprop-verify``, else
  ``~/.cache/backprop-verify``; derived goldens in ``goldens/KEY/``, float32
  envelopes in ``envelopes/KEY/``, KEY being the spec's fingerprint and the
  iteration count;
- any folder ``backprop-verify derive --out`` writes.

Each folder's ``derivation.csv`` records what its files were derived from
(the spec's fingerprint, the iteration count, the settings) and the SHA-256
of every other file. Every folder is checked whole when it is read: the
record, each file's hash, and each file's shape (its header, its rows, finite
numbers). A cached folder that fails a check is derived afresh; a shipped one
is refused with one line (``GoldenError``). A folder read once is kept in
memory for as long as its files stay as they are.

A cache folder is derived and written under its lock (reference/writer.py):
concurrent runs that need the same goldens wait for the first and share what
it wrote. Where the cache cannot be written (read-only, full, no home
folder) the goldens are derived in memory, and the progress callback is told
so once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import stat
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from . import envelope, evaluate, examples, names, writer
from .spec import Spec

STEP1 = "step1.csv"
TRAJECTORY = "trajectory.csv"
AFTER = "after_training.csv"
IDENTITIES = "notes_identities.csv"
ENVELOPE = "envelope.csv"
DERIVATION = "derivation.csv"
FILES = (STEP1, TRAJECTORY, AFTER, IDENTITIES, ENVELOPE, DERIVATION)
FLOAT32_ENVELOPE = "envelope_float32.csv"
LEDGER = examples.folder(examples.DOCUMENTED) / "published.csv"  # the published figures of the notes
CACHE_VARIABLE = "BACKPROP_VERIFY_CACHE"

Progress = Callable[[str], None]

_HEADERS = {STEP1: ["quantity", "value", "symbol", "description"],
            AFTER: ["quantity", "value", "iteration", "description"],
            IDENTITIES: ["formula", "where", "holds", "method", "difference_at_example"]}


class GoldenError(Exception):
    """A golden folder or file that fails a check; the message is one line saying which and why."""


@dataclass(frozen=True)
class Goldens:
    """The goldens of one spec over ``iterations``, read and checked."""
    iterations: int
    trajectory: np.ndarray  # a row per iteration, a column per quantity: the correctly rounded float64
    after: dict[str, str]  # the outputs and E_total after the last update, as written (30 digits)
    envelope: np.ndarray  # the float64 envelope, a row per iteration
    step1: tuple[dict[str, str], ...]  # every quantity of the first iteration: quantity, value (40 digits), symbol,
                                       # description
    identities: tuple[dict[str, str], ...]  # the rows of notes_identities.csv
    derivation: dict[str, str]
    folder: Path | None  # None: derived in memory, not cached


def sha256(data: str | bytes) -> str:
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _hash_key(file: str) -> str:
    return file.removesuffix(".csv") + "_sha256"


def settings() -> list[tuple[str, str]]:
    """What a derivation depends on beyond the spec: a folder derived with other settings is not used."""
    return [("trajectory_bits", str(evaluate.TRAJECTORY_BITS)), ("step1_bits", str(evaluate.STEP1_BITS)),
            ("envelope_method", "Monte Carlo arithmetic (random rounding of every operation and constant)"),
            ("envelope_samples", str(envelope.SAMPLES)), ("envelope_seed", str(envelope.SEED)),
            ("envelope_unit_roundoff", "2^-53; 2^-52 for exp, log and tanh"),
            ("envelope_margin", str(envelope.MARGIN)), ("envelope_floor_ulps", str(envelope.FLOOR_ULPS))]


def _csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def derivation(spec: Spec, iterations: int, files: Mapping[str, str], notes: Sequence[tuple[str, str]] = (),
               precision: str = "float64") -> str:
    """derivation.csv for ``files`` (name -> text): what they were derived from, with what, and their hashes."""
    rows: list[list[object]] = [["key", "value"], ["spec_sha256", spec.fingerprint()], ["iterations", iterations]]
    if precision != "float64":
        rows.append(["precision", precision])
    hashes = [(_hash_key(name), sha256(text)) for name, text in files.items() if name != DERIVATION]
    rows += [[key, value] for key, value in [*settings(), *notes, *hashes]]
    return _csv(rows)


# --- reading and checking -----------------------------------------------------------------------------------

def _read_bytes(path: Path) -> bytes:
    try:
        data = writer.read_regular(path)
    except writer.WriteError as error:
        raise GoldenError(str(error).split(": remove it")[0]) from None
    except OSError as error:
        raise GoldenError(f"{path} cannot be read ({error.strerror or error})") from None
    if data is None:
        raise GoldenError(f"{path} is missing")
    return data


def _rows(data: bytes, where: str, header: list[str]) -> list[list[str]]:
    try:
        table = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    except (UnicodeDecodeError, csv.Error) as error:
        raise GoldenError(f"{where} is not a CSV file ({error})") from None
    if not table or table[0] != header:
        raise GoldenError(f"{where} has not the header {','.join(header)}")
    body = table[1:]
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise GoldenError(f"{where}, line {number}: {len(row)} cells where the header has {len(header)}")
    return body


def _parse_derivation(data: bytes, where: str) -> dict[str, str]:
    rows = _rows(data, where, ["key", "value"])
    found = dict((key, value) for key, value in rows)
    if len(found) != len(rows):
        raise GoldenError(f"{where} names a key twice")
    return found


def _decimal(text: str, where: str) -> str:
    try:
        finite = Decimal(text).is_finite()
    except InvalidOperation:
        finite = False
    if not finite:
        raise GoldenError(f"{where}: {text!r} is not a finite number")
    return text


def _quantity_rows(data: bytes, where: str, file: str, expected: list[str]) -> tuple[dict[str, str], ...]:
    header = _HEADERS[file]
    rows = _rows(data, where, header)
    if [row[0] for row in rows] != expected:
        raise GoldenError(f"{where} does not list the spec's quantities in order")
    for row in rows:
        _decimal(row[1], f"{where}, {row[0]}")
    return tuple(dict(zip(header, row)) for row in rows)


def _trajectory(data: bytes, where: str, spec: Spec, iterations: int) -> np.ndarray:
    columns = names.trajectory_columns(spec)
    # Python's float() rounds a decimal string correctly, so these are the written doubles exactly
    try:
        lines = data.decode("ascii").splitlines()
    except UnicodeDecodeError:
        raise GoldenError(f"{where} cannot be read as numbers (it is not ASCII text)") from None
    if not lines or lines[0].split(",") != columns:
        raise GoldenError(f"{where} has not the columns {','.join(columns)}")
    cells = ",".join(lines[1:]).split(",") if len(lines) > 1 else []
    if len(cells) != (len(lines) - 1) * len(columns) or any(line.count(",") != len(columns) - 1 for line in lines):
        raise GoldenError(f"{where} cannot be read as numbers (a row without {len(columns)} cells)")
    try:
        table = np.array(cells, dtype=np.float64).reshape(len(lines) - 1, len(columns))
    except ValueError as error:
        raise GoldenError(f"{where} cannot be read as numbers ({str(error).splitlines()[0]})") from None
    if len(table) != iterations or not np.array_equal(table[:, 0], np.arange(iterations)):
        raise GoldenError(f"{where} does not hold iterations 0 to {iterations - 1:,}, one a row")
    values = np.ascontiguousarray(table[:, 1:])
    if not np.isfinite(values).all():
        row = int(np.nonzero(~np.isfinite(values).all(axis=1))[0][0])
        raise GoldenError(f"{where}, iteration {row}: a value that is not a finite number")
    return values


def parse_envelope(data: bytes, where: str, spec: Spec, iterations: int) -> np.ndarray:
    """An envelope file (float64 or float32) as a row per iteration; GoldenError when it is not one."""
    quantities = names.quantities(spec)
    rows = _rows(data, where, ["first_iteration", "last_iteration", *quantities])
    blocks = envelope.blocks(iterations)
    if [(row[0], row[1]) for row in rows] != [(str(a), str(b)) for a, b in blocks]:
        raise GoldenError(f"{where} does not hold the blocks of iterations of a run of {iterations:,}")
    out = np.empty((iterations, len(quantities)))
    for (first, last), row in zip(blocks, rows):
        try:
            values = [float(v) for v in row[2:]]
        except ValueError:
            raise GoldenError(f"{where}, iterations {first} to {last}: a value that is not a number") from None
        if not all(v >= 0 for v in values):  # NaN fails too; inf is how an overflowing sample is recorded
            raise GoldenError(f"{where}, iterations {first} to {last}: a value that is negative or not a number")
        out[first:last + 1] = values
    return out


def _identities(data: bytes, where: str) -> tuple[dict[str, str], ...]:
    header = _HEADERS[IDENTITIES]
    rows = _rows(data, where, header)
    if not rows or any(row[2] not in ("true", "false") for row in rows):
        raise GoldenError(f"{where} holds no verdicts, or a verdict that is neither true nor false")
    return tuple(dict(zip(header, row)) for row in rows)


def _check_record(recorded: dict[str, str], spec: Spec, iterations: int | None, where: str) -> None:
    """GoldenError when the record is not of ``spec`` (over ``iterations``, when given) and today's settings."""
    if recorded.get("spec_sha256") != spec.fingerprint():
        raise GoldenError(f"the goldens in {where} were derived from another version of {spec.source}")
    if iterations is not None and recorded.get("iterations") != str(iterations):
        raise GoldenError(f"the goldens in {where} hold {recorded.get('iterations')} iterations, "
                          f"the spec {iterations}")
    for key, value in settings():
        if recorded.get(key) != value:
            raise GoldenError(f"the goldens in {where} were derived with {key} = {recorded.get(key)!r}, "
                              f"not {value!r}")


def _checked(files: Mapping[str, bytes], recorded: dict[str, str], where: Callable[[str], str]) -> None:
    for name, data in files.items():
        expected = recorded.get(_hash_key(name))
        if expected is None:
            raise GoldenError(f"{where(DERIVATION)} records no SHA-256 of {name} (derived by an older version)")
        if expected != sha256(data):
            raise GoldenError(f"{where(name)} does not match its SHA-256 in {DERIVATION} (edited or damaged)")


def parse(files: Mapping[str, bytes], spec: Spec, iterations: int, where: Callable[[str], str],
          folder: Path | None = None) -> Goldens:
    """The goldens of ``spec`` from the bytes of their files, every check made; GoldenError otherwise."""
    recorded = _parse_derivation(files[DERIVATION], where(DERIVATION))
    _check_record(recorded, spec, iterations, where(DERIVATION).removesuffix(f"/{DERIVATION}"))
    _checked({n: d for n, d in files.items() if n != DERIVATION}, recorded, where)
    trajectory = _trajectory(files[TRAJECTORY], where(TRAJECTORY), spec, iterations)
    after = {row["quantity"]: row["value"]
             for row in _quantity_rows(files[AFTER], where(AFTER), AFTER, names.forward_quantities(spec))}
    step1 = _quantity_rows(files[STEP1], where(STEP1), STEP1, names.step1_quantities(spec))
    bound = parse_envelope(files[ENVELOPE], where(ENVELOPE), spec, iterations)
    for array in (trajectory, bound):
        array.flags.writeable = False  # shared by every reader
    return Goldens(iterations, trajectory, after, bound, step1, _identities(files[IDENTITIES], where(IDENTITIES)),
                   recorded, folder)


_memo: OrderedDict[tuple[object, ...], Goldens] = OrderedDict()
MEMO = 16


def _stamps(folder: Path, files: tuple[str, ...]) -> tuple[tuple[int, int, int], ...] | None:
    try:
        found = [os.stat(folder / name) for name in files]
    except OSError:
        return None
    return tuple((s.st_ino, s.st_size, s.st_mtime_ns) for s in found)


def _remember(key: tuple[object, ...], goldens: Goldens) -> Goldens:
    _memo[key] = goldens
    while len(_memo) > MEMO:
        _memo.popitem(last=False)
    return goldens


def forget() -> None:
    """Drop every folder kept in memory (the next read reads the files again)."""
    _memo.clear()


def read(folder: Path, spec: Spec, iterations: int) -> Goldens:
    """The goldens of ``spec`` over ``iterations`` in ``folder``, checked whole; GoldenError otherwise."""
    stamps = _stamps(folder, FILES)
    key = (str(folder), spec.fingerprint(), iterations, stamps)
    if stamps is not None and key in _memo:
        _memo.move_to_end(key)
        return _memo[key]
    if not (folder / DERIVATION).exists():
        raise GoldenError(f"{folder} has no {DERIVATION}")
    files = {name: _read_bytes(folder / name) for name in FILES}
    goldens = parse(files, spec, iterations, lambda name: str(folder / name), folder)
    return _remember(key, goldens) if stamps is not None else goldens


def shipped_folder(spec: Spec) -> Path | None:
    """The folder of the shipped example ``spec`` is, None for any other spec."""
    return None if spec.example is None else examples.folder(spec.example)


def shipped(spec: Spec) -> Goldens:
    """The goldens of a shipped example, over the spec's iterations; GoldenError when they fail a check."""
    folder = shipped_folder(spec)
    if folder is None:
        raise ValueError(f"{spec.source} is not a shipped example")
    return read(folder, spec, spec.iterations)


def known_identities(key: str) -> tuple[str, str] | None:
    """notes_identities.csv of a shipped example whose formulas depend on the same things (``identities_key`` of
    reference/goldens.py) and all hold, and where it is; None when there is none. A derivation of the cache
    takes it rather than deciding the same formulas again."""
    for name in examples.names():
        folder = examples.folder(name)
        try:
            recorded = _parse_derivation(_read_bytes(folder / DERIVATION), str(folder / DERIVATION))
            if recorded.get("identities_key") != key:
                continue
            data = _read_bytes(folder / IDENTITIES)
            if recorded.get(_hash_key(IDENTITIES)) == sha256(data) and \
                    all(row["holds"] == "true" for row in _identities(data, str(folder / IDENTITIES))):
                return data.decode("utf-8"), str(folder)
        except GoldenError:
            continue
    return None


# --- the cache -------------------------------------------------------------------------------------------------

def cache_root() -> tuple[Path | None, str]:
    """The cache folder, or None and why there is none (a home folder that is empty or relative)."""
    given = os.environ.get(CACHE_VARIABLE)
    if given:
        return Path(given), ""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # a relative one is to be ignored (the XDG base directory specification)
        return Path(xdg) / "backprop-verify", ""
    home = os.environ.get("HOME")
    if home is None:
        try:
            home = str(Path.home())
        except (KeyError, RuntimeError):
            home = ""
    if not os.path.isabs(home):
        return None, f"HOME is {home!r}, not a folder, and neither {CACHE_VARIABLE} nor XDG_CACHE_HOME is set"
    return Path(home) / ".cache" / "backprop-verify", ""


_said: set[str] = set()  # what has been told once in this process


def _say_once(progress: Progress | None, what: str, message: str) -> None:
    if progress is not None and what not in _said:
        _said.add(what)
        progress(message)


def _cached(folder_of: Callable[[Path], Path], files: tuple[str, ...], read_folder: Callable[[Path], object],
            make: Callable[[], dict[str, str]], from_memory: Callable[[dict[str, str]], object], what: str,
            progress: Progress | None) -> object:
    """What ``read_folder`` finds in the cache folder; else made, written there under its lock, and read back.

    Where the cache cannot be had or written, what ``make`` gives is used in memory, and the callback is told
    so once in the process.
    """
    root, why = cache_root()
    if root is None:
        _say_once(progress, what, f"no cache folder ({why}): the {what} are derived in memory each time")
        return from_memory(make())
    folder = folder_of(root)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with writer.locked(folder):
            try:
                return read_folder(folder)
            except GoldenError:
                pass  # absent, or not to be trusted: derived afresh
            made = make()
            try:
                writer.write_all({name: made[name] for name in files}, folder)
            except writer.WriteError as error:
                _say_once(progress, what, f"cannot cache the {what} ({error}): they are derived in memory each time")
                return from_memory(made)
            return read_folder(folder)
    except OSError as error:  # the folder cannot be made or locked (WriteError is one)
        reason = error if isinstance(error, writer.WriteError) else (error.strerror or error)
        _say_once(progress, what,
                  f"cannot cache the {what} in {folder} ({reason}): they are derived in memory each time")
        return from_memory(make())


def from_texts(spec: Spec, iterations: int, files: Mapping[str, str]) -> Goldens:
    """The goldens of freshly rendered texts, read and checked as files are (and kept for this process)."""
    data = {name: text.encode("utf-8") for name, text in files.items()}
    goldens = parse(data, spec, iterations, lambda name: f"the derived {name}")
    return _remember(("memory", spec.fingerprint(), iterations), goldens)


def cached(spec: Spec, iterations: int, render: Callable[[], dict[str, str]],
           progress: Progress | None = None) -> Goldens:
    """The goldens of ``spec`` over ``iterations`` from the cache, rendered (``render``) and cached when missing."""
    key = ("memory", spec.fingerprint(), iterations)
    if key in _memo:
        return _memo[key]
    found = _cached(lambda root: root / "goldens" / f"{spec.fingerprint()[:20]}-{iterations}", FILES,
                    lambda folder: read(folder, spec, iterations), render,
                    lambda files: from_texts(spec, iterations, files), "derived goldens", progress)
    assert isinstance(found, Goldens)
    return found


def _read_float32(folder: Path, spec: Spec, iterations: int) -> np.ndarray:
    files = {name: _read_bytes(folder / name) for name in (FLOAT32_ENVELOPE, DERIVATION)}
    recorded = _parse_derivation(files[DERIVATION], str(folder / DERIVATION))
    _check_record(recorded, spec, iterations, str(folder))
    if recorded.get("precision") != "float32":
        raise GoldenError(f"{folder / DERIVATION} is not of a float32 envelope")
    _checked({FLOAT32_ENVELOPE: files[FLOAT32_ENVELOPE]}, recorded, lambda name: str(folder / name))
    return parse_envelope(files[FLOAT32_ENVELOPE], str(folder / FLOAT32_ENVELOPE), spec, iterations)


def float32_envelope(spec: Spec, iterations: int, render: Callable[[], str],
                     progress: Progress | None = None) -> np.ndarray:
    """The float32 envelope of ``spec`` over ``iterations`` (``render`` gives its text), cached on first use."""
    def make() -> dict[str, str]:
        text = render()
        return {FLOAT32_ENVELOPE: text,
                DERIVATION: derivation(spec, iterations, {FLOAT32_ENVELOPE: text}, precision="float32")}

    def from_memory(files: dict[str, str]) -> np.ndarray:
        return parse_envelope(files[FLOAT32_ENVELOPE].encode("utf-8"), "the float32 envelope", spec, iterations)

    found = _cached(lambda root: root / "envelopes" / f"{spec.fingerprint()[:20]}-{iterations}",
                    (FLOAT32_ENVELOPE, DERIVATION), lambda folder: _read_float32(folder, spec, iterations), make,
                    from_memory, "float32 envelopes", progress)
    assert isinstance(found, np.ndarray)
    return found


# --- writing and comparing ---------------------------------------------------------------------------------------

def write(files: Mapping[str, str | bytes], out: Path) -> None:
    """Every file or none (reference/writer.py), under the folder's lock."""
    writer.write_all(dict(files), out)


def check_targets(out: Path) -> None:
    """WriteError when a golden file's place in ``out`` holds a folder or a special file."""
    writer.check_targets(out, FILES)


def first_difference(expected: str, got: str) -> tuple[int, str, str, str]:
    """(row, column, expected cell, got cell) of the first cell that differs; rows count from 1 after the header."""
    old, new = list(csv.reader(io.StringIO(expected))), list(csv.reader(io.StringIO(got)))
    header = new[0] if new else []
    for r in range(max(len(old), len(new))):
        a = old[r] if r < len(old) else []
        b = new[r] if r < len(new) else []
        for c in range(max(len(a), len(b))):
            x = a[c] if c < len(a) else "<missing>"
            y = b[c] if c < len(b) else "<missing>"
            if x != y:
                column = header[c] if c < len(header) else f"#{c + 1}"
                return r, column, x, y
    return -1, "", "", ""


def differences(files: Mapping[str, str], out: Path) -> list[str]:
    """One line per golden file in ``out`` that differs, byte for byte, from ``files``; nothing is written."""
    problems = []
    for name, text in files.items():
        path = out / name
        try:
            on_disk = writer.read_regular(path)
        except OSError as error:
            problems.append(f"{path}: cannot be read ({error.strerror or error})")
            continue
        if on_disk is None:
            problems.append(f"{path}: missing; regenerate it with `nox -s golden` (or backprop-verify derive)")
            continue
        if on_disk == text.encode("utf-8"):
            continue
        row, column, golden, derived = first_difference(on_disk.decode("utf-8", "replace"), text)
        if row < 0:
            where = "line ends or encoding differ (the golden is not byte for byte what the reference writes)"
        else:
            where = ("header" if row == 0 else f"row {row}") + (f", column {column}: golden has {golden!r}, "
                                                               f"the reference gives {derived!r}")
        problems.append(f"{path}: {where}")
    return problems


def differing_folders(expected: Path, got: Path) -> list[str]:
    """The golden files of ``got`` that are not byte for byte those of ``expected`` (missing ones included)."""
    found = []
    for name in FILES:
        a, b = expected / name, got / name
        same = a.is_file() and b.is_file() and stat.S_ISREG(os.stat(b).st_mode) and a.read_bytes() == b.read_bytes()
        if not same:
            found.append(name)
    return found
