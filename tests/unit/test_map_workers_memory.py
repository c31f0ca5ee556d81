"""Memory of a benchmark's Map workers and of the runtime that receives their children (imagegate/local/map_workers.py,
issue 29): a worker's allocator settings, applied where the C library is glibc, a no-op elsewhere; the children's
object bodies kept on disk and their items' strings shared, read as they were written."""

import io
import platform
import threading

import pytest

from imagegate.local import map_workers


def test_the_malloc_arena_cap_applies_on_glibc_and_nowhere_else():
    on_glibc = platform.libc_ver()[0] == "glibc"
    assert (map_workers._glibc() is not None) == on_glibc
    assert map_workers._cap_malloc_arenas() is on_glibc


def test_the_mmap_threshold_is_fixed_on_glibc_and_nowhere_else():
    assert map_workers._fix_mmap_threshold() is (platform.libc_ver()[0] == "glibc")


def _objects(count: int) -> list[tuple[str, bytes, dict[str, str]]]:
    """Bodies of different sizes and bytes (one empty), each with its content type."""
    return [
        (
            f"runs/r1/round-{n}/candidate-1.png",
            bytes((n * 7 + k) % 256 for k in range(n * 1009)),
            {"Content-Type": "image/png"},
        )
        for n in range(count)
    ]


def test_objects_written_back_with_their_bodies_on_disk_read_as_they_were_written():
    """Given a child's objects written back with a SpilledBodies, When they are read through S3 (whole, by range,
    copied), Then each answers its own bytes, ETag and content type; the bodies are in the file, not in the keys;
    an object written again or deleted through S3 leaves the others as they were."""
    import hashlib

    import boto3

    from imagegate.local.runtime import BUCKET, LocalRuntime

    objects = _objects(6)
    with LocalRuntime(retry_time_scale=0.0, workflows=False):
        bodies = map_workers.SpilledBodies()
        map_workers.write_back({"items": [], "objects": objects}, bodies)
        keys = map_workers._s3_backend().get_bucket(BUCKET).keys
        assert all(isinstance(keys[key]._value_buffer, map_workers.SpilledBody) for key, _, _ in objects)
        assert bodies.size == sum(len(body) for _, body, _ in objects)
        assert bodies.read(0, bodies.size) == b"".join(body for _, body, _ in objects)
        s3 = boto3.client("s3")
        for key, body, metadata in objects:
            got = s3.get_object(Bucket=BUCKET, Key=key)
            assert got["Body"].read() == body
            assert got["ETag"] == f'"{hashlib.md5(body).hexdigest()}"'
            assert got["ContentType"] == metadata["Content-Type"]
            if len(body) > 20:
                assert s3.get_object(Bucket=BUCKET, Key=key, Range="bytes=5-19")["Body"].read() == body[5:20]
        first, second, third = (key for key, _, _ in objects[1:4])
        s3.put_object(Bucket=BUCKET, Key=first, Body=b"drawn again")
        s3.delete_object(Bucket=BUCKET, Key=second)
        s3.copy_object(Bucket=BUCKET, Key="copied", CopySource={"Bucket": BUCKET, "Key": third})
        assert s3.get_object(Bucket=BUCKET, Key=first)["Body"].read() == b"drawn again"
        assert s3.get_object(Bucket=BUCKET, Key="copied")["Body"].read() == objects[3][1]
        left = {entry["Key"] for entry in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
        assert second not in left
        for key, body, _ in objects:
            if key in left and key != first:
                assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == body


def test_objects_written_back_carry_the_md5_of_their_body_as_their_etag_from_the_start():
    """Given a child's objects written back (bodies on disk or not), Then each key holds its ETag already, the MD5
    of its body as S3 gives a single-part upload, and a list and a head answer it: moto would compute it on the
    first ask by reading the body through the read position a concurrent get_object moves (issue 29 review)."""
    import hashlib

    import boto3

    from imagegate.local.runtime import BUCKET, LocalRuntime

    spilled, in_memory = (
        _objects(4),
        [(f"runs/r2/{key.rsplit('/', 1)[1]}", body, meta) for key, body, meta in _objects(3)],
    )
    with LocalRuntime(retry_time_scale=0.0, workflows=False):
        bodies = map_workers.SpilledBodies()
        map_workers.write_back({"items": [], "objects": spilled}, bodies)
        map_workers.write_back({"items": [], "objects": in_memory})
        keys = map_workers._s3_backend().get_bucket(BUCKET).keys
        expected = {key: hashlib.md5(body).hexdigest() for key, body, _ in spilled + in_memory}
        assert {key: keys[key]._etag for key in expected} == expected  # before anything asked for it
        s3 = boto3.client("s3")
        listed = {entry["Key"]: entry["ETag"] for entry in s3.list_objects_v2(Bucket=BUCKET)["Contents"]}
        assert listed == {key: f'"{etag}"' for key, etag in expected.items()}
        assert all(s3.head_object(Bucket=BUCKET, Key=key)["ETag"] == f'"{etag}"' for key, etag in expected.items())
        bodies.close()


class _Key:
    """What SpilledBodies.keep() touches of a moto FakeKey: its lock and its value buffer."""

    def __init__(self, body: bytes) -> None:
        self.lock, self._value_buffer = threading.Lock(), io.BytesIO(body)


def test_a_spilled_body_reads_as_a_file_and_a_write_goes_on_in_memory():
    """Given a body kept in the file, When it is read in parts, then truncated and written as moto writes a body
    anew, Then the parts are its bytes, the new bytes replace them (the file keeps the old ones), and once closed it
    reads nothing."""
    bodies = map_workers.SpilledBodies()
    key = _Key(b"abcdefghij")
    bodies.keep(key, b"abcdefghij")
    body = key._value_buffer
    assert (body.read(4), body.tell(), body.read(), body.read()) == (b"abcd", 4, b"efghij", b"")
    assert (body.seek(-3, 2), body.read(2), body.seek(1, 1), body.read()) == (7, b"hi", 10, b"")
    body.seek(0)
    body.truncate()
    body.write(b"new")
    body.seek(0)
    assert body.read() == b"new" and bodies.read(0, 10) == b"abcdefghij"
    body.close()
    assert body.closed
    with pytest.raises(ValueError):
        body.read()


def test_closed_kept_bodies_free_their_file_and_refuse_to_read_or_keep():
    """Given bodies kept in the file, When it is closed (its runtime's exit), Then its descriptor is released, and a
    key still reading it fails, as does keeping another, instead of reading whatever file took that descriptor."""
    import os

    bodies = map_workers.SpilledBodies()
    key = _Key(b"abc")
    bodies.keep(key, b"abc")
    descriptor = bodies._file.fileno()
    assert str(descriptor) in os.listdir("/proc/self/fd") or not os.path.isdir("/proc/self/fd")
    bodies.close()
    assert bodies.closed
    with pytest.raises(OSError):
        os.fstat(descriptor)
    with pytest.raises(ValueError):
        key._value_buffer.read()
    with pytest.raises(ValueError):
        bodies.keep(_Key(b"abc"), b"abc")


def test_written_back_items_share_their_names_and_short_values_and_read_the_same():
    """Given two children's items as the parent receives them (each unpickled on its own), When they are written
    back, Then the table's items read as written, and their attribute names (nested ones too) and short values are
    one string each across items, where a long value is left as it came."""
    import pickle

    from moto.dynamodb.models.dynamo_type import DynamoType

    from imagegate.local.runtime import TABLE, LocalRuntime

    long_text = "a prompt " * 20

    def item(run: str) -> dict:
        return {
            "pk": {"S": f"RUN#{run}"},
            "sk": {"S": "ROUND#001"},
            "status": {"S": "PASSED"},
            "scores": {"M": {"overall": {"N": "0.75"}, "checks": {"L": [{"S": "entity"}, {"N": "1"}]}}},
            "prompt": {"S": long_text},
        }

    first, second = (pickle.loads(pickle.dumps([item(run)])) for run in ("one", "two"))
    assert first[0]["status"]["S"] is not second[0]["status"]["S"]
    with LocalRuntime(retry_time_scale=0.0, workflows=False):
        map_workers.write_back({"items": first, "objects": []})
        map_workers.write_back({"items": second, "objects": []})
        table = map_workers._dynamodb_backend().get_table(TABLE)
        held = [table.items[DynamoType({"S": f"RUN#{run}"})][DynamoType({"S": "ROUND#001"})] for run in ("one", "two")]
        assert [each.to_json()["Attributes"] for each in held] == [item("one"), item("two")]
        names = [{id(name) for name in each.attrs} for each in held]
        assert names[0] == names[1]
        nested = [{id(name) for name in each.attrs["scores"].value} for each in held]
        assert nested[0] == nested[1]
        assert held[0].attrs["status"].value is held[1].attrs["status"].value
        assert held[0].attrs["scores"].value["overall"].value is held[1].attrs["scores"].value["overall"].value
        assert held[0].attrs["prompt"].value is not held[1].attrs["prompt"].value
