"""Where inputs live: a local path, or any fsspec URL (s3://, gs://, az://, abfs://, memory://, ...).

Local paths are read with the standard library, exactly as before; URLs go through fsspec, so any
filesystem it knows works once its package is installed (the `s3`, `gcs` and `azure` extras install
s3fs, gcsfs and adlfs). Credentials come from where each library looks for them (AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL, ~/.aws/, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_*,
or fsspec's FSSPEC_<PROTOCOL>_<OPTION> variables); this module never reads, logs or reports them:
every message it builds passes through redact(), which hides URL user-info, signature-like query
parameters and the values of credential-like environment variables.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

BLOCK_SIZE = 4 * 1024 * 1024  # one ranged read of a remote object; only this much of it is held at once
_LOCAL_PROTOCOLS = ("file", "local")
_SECRET_PARAM = re.compile(r"sig|signature|token|secret|password|passwd|key|credential|^x-amz-|^x-goog-", re.I)
_SECRET_ENV = re.compile(r"KEY|SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|SAS|CONNECTION_STRING", re.I)
# What a file name may not show as is where it is printed or stored: control characters (a newline
# would forge a line of a report), line and bidi-override separators, and the lone surrogates
# Python decodes the bytes of a non-UTF-8 name to (PostgreSQL cannot store them).
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE_NAME = re.compile("[\ud800-\udfff]")
_NAMED_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


class StorageError(OSError):
    """The storage service failed (network, credentials, throttling, a bug): no verdict on the input.

    Raised rather than recorded as a bad input, so that a batch fails and is retried instead of
    rejecting files it could not fetch. The message is already redacted.
    """


@dataclass(frozen=True, repr=False)
class InputFile:
    """One input: where to read it and the name it is known by in its batch."""

    location: str  # local path or URL of the file
    name: str  # path relative to the root folder given (for a file given directly: its basename)
    size: int = 0  # bytes, as listed (sizes the shards of a batch)
    refused: str = ""  # why the file is rejected without being opened (a link out of the batch, ...)

    @property
    def recorded_name(self) -> str:
        """What source_file records: the object's URL for a remote file, the relative name for a local one."""
        return printable(redact_url(self.location)) if is_remote(self.location) else printable(self.name)

    def __repr__(self) -> str:
        return f"InputFile(location={redact_url(self.location)!r}, name={self.name!r})"


S3_ENVIRONMENT = {
    "access_key": "AWS_ACCESS_KEY_ID",
    "secret_key": "AWS_SECRET_ACCESS_KEY",
    "session_token": "AWS_SESSION_TOKEN",
    "endpoint_url": "AWS_ENDPOINT_URL",
    "region": "AWS_DEFAULT_REGION",
}


def use_s3_credentials(**values: str | None) -> None:
    """Point this process's S3 reads (s3fs/botocore read these variables) at the given
    credentials: what a scheduler's connection holds (access_key, secret_key, session_token,
    endpoint_url, region). Filesystems opened before with other credentials are forgotten."""
    unknown = set(values) - set(S3_ENVIRONMENT)
    if unknown:
        raise ValueError(f"unknown S3 settings {sorted(unknown)} (known: {sorted(S3_ENVIRONMENT)})")
    for key, value in values.items():
        if value:
            os.environ[S3_ENVIRONMENT[key]] = value
    try:
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()
    except ImportError:
        pass


def is_remote(location: str | Path) -> bool:
    """True for a URL of a non-local fsspec filesystem (s3://bucket/key, gs://..., memory://...)."""
    if isinstance(location, Path) or "://" not in location:
        return False
    from fsspec.utils import get_protocol

    return get_protocol(location) not in _LOCAL_PROTOCOLS


def local_path(location: str | Path) -> Path:
    """A local path given as a path or a file:// URL."""
    if isinstance(location, Path):
        return location
    if "://" in location:
        from fsspec.core import strip_protocol

        return Path(strip_protocol(location))
    return Path(location)


def list_inputs(root: str | Path) -> list[InputFile]:
    """Every file under a folder (or the one file), sorted by name, hidden files skipped.

    A file in a folder is named by its path relative to the folder, a file given directly by its
    basename. Names sort part by part (as pathlib sorts paths), so a local folder and its copy in
    object storage list in the same order. A missing root raises FileNotFoundError; a storage
    failure raises StorageError.
    """
    if not is_remote(root):
        folder = local_path(root)
        if folder.is_dir():
            return _sorted(f for f in _local_inputs(folder) if not _hidden(f.name))
        if folder.is_file():
            # a file named directly is read wherever a link to it points: the user chose it
            return [_judged(folder, folder.name, folder.resolve().parent)]
        raise FileNotFoundError(f"{printable(str(folder))}: no such file or folder")
    url = str(root)
    fs, path = _filesystem(url)
    try:
        fs.invalidate_cache(path)  # a long-lived worker must see objects uploaded since its last listing
        if fs.isfile(path):
            return [InputFile(url, posixpath.basename(path.rstrip("/")), int(fs.size(path) or 0))]
        listing = fs.find(path, detail=True)
        prefix = path.rstrip("/") + "/"
        files = [
            InputFile(join(url, key[len(prefix) :]), key[len(prefix) :], int(info.get("size") or 0))
            for key, info in listing.items()
            if info.get("type") == "file" and key.startswith(prefix) and not key.endswith("/")
        ]
        missing = not files and not fs.isdir(path)
    except FileNotFoundError as exc:
        raise FileNotFoundError(f"{redact(url)}: no such bucket, folder or object ({_message(exc, url)})") from None
    except Exception as exc:
        raise storage_error(url, exc) from None
    if missing:
        raise FileNotFoundError(f"{redact(url)}: no such bucket, folder or object")
    return _sorted(f for f in files if not _hidden(f.name))


def _local_inputs(folder: Path) -> Iterator[InputFile]:
    """Every entry under a local batch folder as an input, those that are not to be read refused
    with the reason: links are not followed out of the folder, nor into folders (so no loop)."""
    root = folder.resolve()
    unreadable: list[OSError] = []
    for directory, folders, files in os.walk(folder, onerror=unreadable.append):
        here = Path(directory)
        for name in list(folders):
            if (here / name).is_symlink():  # os.walk lists a link to a folder among the folders
                folders.remove(name)
                files.append(name)
        folders[:] = [name for name in folders if not name.startswith((".", "_"))]
        for name in files:
            yield _judged(here / name, (here / name).relative_to(folder).as_posix(), root)
    for error in unreadable:
        where = Path(error.filename)
        reason = f"cannot read folder: {error.strerror or type(error).__name__}"
        yield _refused(str(where), where.relative_to(folder).as_posix() or where.name, reason)


def _judged(path: Path, name: str, root: Path) -> InputFile:
    """The input at path, or a refusal saying why it is not read (every entry ends somewhere)."""
    if _SURROGATE_NAME.search(str(path)):
        return _refused(str(path), name, "file name is not valid UTF-8 (shown with \\x escapes); rename it to load it")
    target = path
    if path.is_symlink():
        try:
            target = path.resolve(strict=True)
        except FileNotFoundError:
            return _refused(str(path), name, "dangling symbolic link (its target does not exist)")
        except (RuntimeError, OSError):  # RuntimeError: Python 3.11's "Symlink loop"; OSError: ELOOP
            return _refused(str(path), name, "symbolic link loop")
        if not target.is_relative_to(root):
            return _refused(str(path), name, "symbolic link to a file outside the batch folder (not followed)")
        if target.is_dir():
            return _refused(str(path), name, "symbolic link to a folder (only links to files are followed)")
    try:
        status = target.stat()
    except OSError as exc:
        return _refused(str(path), name, f"cannot read file: {exc.strerror or type(exc).__name__}")
    if not stat.S_ISREG(status.st_mode):
        return _refused(str(path), name, "not a regular file (a FIFO, socket or device is not read)")
    return InputFile(str(target), name, status.st_size)


def _refused(location: str, name: str, reason: str) -> InputFile:
    """An input rejected unread; its location is kept printable too (it is stored, never opened)."""
    return InputFile(printable(location), printable(name), 0, reason)


def printable(name: str) -> str:
    """A file name (or URL) safe to print and store: control characters, line and bidi separators
    escaped (\\n, \\x1b, \\u202e), a byte of a non-UTF-8 name as \\xNN. Names without them are unchanged."""
    return _UNPRINTABLE.sub(_escaped, name) if _UNPRINTABLE.search(name) else name


def _escaped(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (os.fsdecode's surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def exists(location: str | Path) -> bool:
    return _check(location, "exists")


def is_dir(location: str | Path) -> bool:
    return _check(location, "isdir")


def _check(location: str | Path, question: str) -> bool:
    """Path.exists()/is_dir() for a local path, fs.exists()/isdir() (fresh, not cached) for a URL."""
    if not is_remote(location):
        local = local_path(location)
        return local.exists() if question == "exists" else local.is_dir()
    url = str(location)
    fs, path = _filesystem(url)
    try:
        fs.invalidate_cache(path)
        return bool(getattr(fs, question)(path))
    except Exception as exc:
        raise storage_error(url, exc) from None


def join(root: str | Path, *parts: str) -> str:
    """root/part/...: a URL stays a URL (s3://bucket/raw + 2024-11-05 -> s3://bucket/raw/2024-11-05)."""
    if not is_remote(root):
        return str(local_path(root).joinpath(*parts))
    scheme, netloc, path, query, fragment = urlsplit(str(root))
    if netloc or "::" not in str(root):
        path = posixpath.join(path or "/", *(p.strip("/") for p in parts if p.strip("/")))
        return urlunsplit((scheme, netloc, path, query, fragment))
    return "/".join([str(root).rstrip("/"), *(p.strip("/") for p in parts if p.strip("/"))])


def put_file(local: Path, url: str) -> None:
    """Upload a local file to a URL (a report page beside the dumps)."""
    fs, path = _filesystem(url)
    try:
        fs.put_file(str(local), path)
    except Exception as exc:
        raise storage_error(url, exc) from None


def fetch_folder(url: str, destination: Path) -> Path:
    """Copy every file under a URL's folder into destination (keeping relative names); destination."""
    for found in list_inputs(url):
        target = destination.joinpath(*found.name.split("/"))
        target.parent.mkdir(parents=True, exist_ok=True)
        fs, path = _filesystem(found.location)
        try:
            fs.get_file(path, str(target))
        except Exception as exc:
            raise storage_error(found.location, exc) from None
    return destination


def open_binary(location: str) -> IO[bytes]:
    """A buffered binary stream over a remote object, fetched in BLOCK_SIZE ranges as it is read.

    A missing or forbidden object raises FileNotFoundError or PermissionError (a verdict on this
    input); any other failure, when opening or in any later read, raises StorageError. Messages
    are redacted.
    """
    fs, path = _filesystem(location)
    try:
        raw = fs.open(path, "rb", block_size=BLOCK_SIZE)
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise type(exc)(_message(exc, location)) from None
    except Exception as exc:
        raise storage_error(location, exc) from None
    # fsspec's own readline reads a whole block per line; a BufferedReader splits lines in C (and
    # can peek, which the JSONL reader uses to look for a byte-order mark).
    return io.BufferedReader(_Guarded(raw, location), buffer_size=1 << 16)


class _Guarded(io.RawIOBase):
    """A remote file whose read errors are StorageErrors (or FileNotFoundError/PermissionError)."""

    def __init__(self, raw: Any, location: str) -> None:
        super().__init__()
        self._raw = raw
        self._location = location

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._raw.read(len(buffer))
        except (FileNotFoundError, PermissionError) as exc:  # deleted or locked while being read
            raise type(exc)(_message(exc, self._location)) from None
        except Exception as exc:
            raise storage_error(self._location, exc) from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def storage_error(location: str, exc: BaseException) -> StorageError:
    """A StorageError naming the (redacted) location and what the storage layer said."""
    return StorageError(f"{redact(location)}: storage error: {type(exc).__name__}: {_message(exc, location)}")


def redact(text: str) -> str:
    """A message with URL user-info, secret-looking query values and credential env values replaced by ***."""
    text = re.sub(r"[a-zA-Z][\w+.-]*://\S+", lambda m: redact_url(m.group(0)), text)
    for value in _secret_values():
        text = text.replace(value, "***")
    return text


def redact_url(url: str) -> str:
    """url with its user-info and secret-looking query values (sig=, token=, X-Amz-...) replaced by ***."""
    try:
        scheme, netloc, path, query, fragment = urlsplit(url)
    except ValueError:
        return url
    if "@" in netloc:
        netloc = "***@" + netloc.rsplit("@", 1)[1]
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, "***" if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit((scheme, netloc, path, query, fragment))


def _secret_values() -> list[str]:
    """Values of credential-like environment variables (long enough not to be a common word); only
    messages are scrubbed of them, never names, which must stay exact."""
    values = {value for key, value in os.environ.items() if _SECRET_ENV.search(key) and len(value) >= 8}
    return sorted(values, key=len, reverse=True)


def _message(exc: BaseException, location: str) -> str:
    """What the storage layer said, redacted; it may quote the location's user-info without its scheme."""
    text = (str(exc) or type(exc).__name__).replace(location, redact_url(location))
    netloc = urlsplit(location).netloc if "://" in location else ""
    if "@" in netloc:
        text = text.replace(netloc.rsplit("@", 1)[0], "***")
    return redact(text)


def _filesystem(url: str) -> tuple[Any, str]:
    from fsspec.core import url_to_fs

    try:
        return url_to_fs(url)  # type: ignore[no-any-return]
    except ImportError as exc:  # the protocol's package (s3fs, gcsfs, adlfs) is not installed
        raise StorageError(f"{redact(url)}: {exc}") from None
    except ValueError as exc:  # unknown protocol
        raise StorageError(f"{redact(url)}: {_message(exc, url)}") from None


def _hidden(name: str) -> bool:
    """Hidden files, and metadata files named like _SUCCESS (Hadoop/Spark style markers that a
    producer writes when a day's dumps are complete), are not inputs."""
    return any(part.startswith((".", "_")) for part in name.split("/"))


def _sorted(files: Any) -> list[InputFile]:
    return sorted(files, key=lambda f: f.name.split("/"))
