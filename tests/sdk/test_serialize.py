"""log_text, log_dict, log_figure and log_image: the bytes stored for each kind of object, read back from the
store, and InvalidInput (with nothing stored) for what cannot be turned into the requested file."""

from __future__ import annotations

import io
import json
import math
import re
from collections.abc import Iterator
from typing import Any

import matplotlib
import numpy as np
import pytest
import yaml
from matplotlib.figure import Figure
from PIL import Image
from tests.support import Target

import tether

matplotlib.use("Agg")


@pytest.fixture
def home(sqlite_target: Target) -> Iterator[Target]:
    """The fluent API pointed at a store of the test's own or at the session's server."""
    sqlite_target.configure()
    yield sqlite_target
    while tether.active_run() is not None:
        tether.end_run()
    tether.configure()


@pytest.fixture
def run_id(home: Target) -> str:
    return tether.start_run().run_id


def read_back(home: Target, run_id: str, path: str) -> bytes:
    with home.client() as client, client.open_artifact(run_id, path) as stream:
        return stream.read()


def stored_paths(home: Target, run_id: str) -> list[str]:
    with home.client() as client:
        return [info.path for info in client.list_artifacts(run_id)]


def figure() -> Figure:
    fig = Figure(figsize=(2, 2))
    fig.add_subplot().plot([0, 1, 2], [2, 0, 1])
    return fig


# --- text and dicts -----------------------------------------------------------------------------------


def test_log_text_stores_utf8(home: Target, run_id: str) -> None:
    tether.log_text("accuracy: 0.9 ✓\nnext line", "notes/summary.txt")
    assert read_back(home, run_id, "notes/summary.txt").decode("utf-8") == "accuracy: 0.9 ✓\nnext line"


def test_log_text_refuses_bytes(home: Target, run_id: str) -> None:
    with pytest.raises(tether.InvalidInput, match="str"):
        tether.log_text(b"raw", "notes.txt")  # type: ignore[arg-type]
    assert stored_paths(home, run_id) == []


def test_log_dict_as_json(home: Target, run_id: str) -> None:
    data = {"layers": [64, 32], "name": "née", "nested": {"dropout": 0.1}, "missing": None}
    tether.log_dict(data, "config.json")
    assert json.loads(read_back(home, run_id, "config.json")) == data


def test_log_dict_keeps_nan_in_json(home: Target, run_id: str) -> None:
    tether.log_dict({"loss": float("nan")}, "loss.json")
    assert math.isnan(json.loads(read_back(home, run_id, "loss.json"))["loss"])


@pytest.mark.parametrize("path", ["config.yaml", "config.YML"])
def test_log_dict_as_yaml_by_extension(home: Target, run_id: str, path: str) -> None:
    data = {"model": {"depth": 3, "name": "tree"}, "tags": ["a", "b"]}
    tether.log_dict(data, path)
    stored = read_back(home, run_id, path)
    assert not stored.lstrip().startswith(b"{")
    assert yaml.safe_load(stored) == data


@pytest.mark.parametrize("path", ["bad.json", "bad.yaml"])
def test_log_dict_refuses_what_cannot_be_serialised(home: Target, run_id: str, path: str) -> None:
    with pytest.raises(tether.InvalidInput, match=re.escape(path)):
        tether.log_dict({"handle": object()}, path)
    assert stored_paths(home, run_id) == []


def test_client_logs_dicts_to_an_explicit_run(home: Target, run_id: str) -> None:
    with home.client() as client:
        client.log_dict(run_id, {"a": 1}, "from_client.json")
        client.log_text(run_id, "hello", "from_client.txt")
    assert json.loads(read_back(home, run_id, "from_client.json")) == {"a": 1}
    assert read_back(home, run_id, "from_client.txt") == b"hello"


# --- figures ------------------------------------------------------------------------------------------


def test_log_figure_as_png(home: Target, run_id: str) -> None:
    tether.log_figure(figure(), "plots/curve.png")
    with Image.open(io.BytesIO(read_back(home, run_id, "plots/curve.png"))) as image:
        assert image.format == "PNG"
        assert image.width > 0 and image.height > 0


@pytest.mark.parametrize(("path", "marker"), [("curve.svg", b"<svg"), ("curve.pdf", b"%PDF")])
def test_log_figure_format_follows_the_extension(home: Target, run_id: str, path: str, marker: bytes) -> None:
    tether.log_figure(figure(), path)
    assert marker in read_back(home, run_id, path)[:2000]


def test_log_figure_refuses_an_unknown_format(home: Target, run_id: str) -> None:
    with pytest.raises(tether.InvalidInput, match=re.escape("curve.xyz")):
        tether.log_figure(figure(), "curve.xyz")
    assert stored_paths(home, run_id) == []


@pytest.mark.parametrize("not_a_figure", ["a string", np.zeros((2, 2)), None])
def test_log_figure_refuses_other_objects(home: Target, run_id: str, not_a_figure: Any) -> None:
    with pytest.raises(tether.InvalidInput, match="matplotlib"):
        tether.log_figure(not_a_figure, "curve.png")
    assert stored_paths(home, run_id) == []


def test_client_logs_figures_to_an_explicit_run(home: Target, run_id: str) -> None:
    with home.client() as client:
        client.log_figure(run_id, figure(), "client.png")
    assert read_back(home, run_id, "client.png").startswith(b"\x89PNG")


# --- images -------------------------------------------------------------------------------------------


def stored_image(home: Target, run_id: str, path: str) -> tuple[str, str, np.ndarray]:
    with Image.open(io.BytesIO(read_back(home, run_id, path))) as image:
        return str(image.format), image.mode, np.asarray(image)


def test_log_image_from_uint8_rgb(home: Target, run_id: str) -> None:
    pixels = np.random.default_rng(0).integers(0, 256, size=(8, 6, 3), dtype=np.uint8)
    tether.log_image(pixels, "images/rgb.png")
    image_format, mode, stored = stored_image(home, run_id, "images/rgb.png")
    assert (image_format, mode) == ("PNG", "RGB")
    np.testing.assert_array_equal(stored, pixels)


@pytest.mark.parametrize("shape", [(5, 4), (5, 4, 1)])
def test_log_image_from_grey_arrays(home: Target, run_id: str, shape: tuple[int, ...]) -> None:
    pixels = np.arange(20, dtype=np.uint8).reshape(shape)
    tether.log_image(pixels, "grey.png")
    _, mode, stored = stored_image(home, run_id, "grey.png")
    assert mode == "L"
    np.testing.assert_array_equal(stored, pixels.reshape(5, 4))


def test_log_image_from_floats_in_the_unit_range(home: Target, run_id: str) -> None:
    pixels = np.array([[[0.0, 0.5, 1.0, 1.0], [1.0, 0.25, 0.0, 0.5]]], dtype=np.float32)
    tether.log_image(pixels, "rgba.png")
    _, mode, stored = stored_image(home, run_id, "rgba.png")
    assert mode == "RGBA"
    np.testing.assert_array_equal(stored, [[[0, 128, 255, 255], [255, 64, 0, 128]]])


def test_log_image_from_small_integers(home: Target, run_id: str) -> None:
    pixels = np.array([[0, 255], [17, 3]], dtype=np.int64)
    tether.log_image(pixels, "ints.png")
    np.testing.assert_array_equal(stored_image(home, run_id, "ints.png")[2], pixels)


def test_log_image_from_pil_as_jpeg(home: Target, run_id: str) -> None:
    tether.log_image(Image.new("RGB", (10, 7), (200, 30, 60)), "photo.jpg")
    image_format, mode, stored = stored_image(home, run_id, "photo.jpg")
    assert (image_format, mode, stored.shape) == ("JPEG", "RGB", (7, 10, 3))


def test_client_logs_images_to_an_explicit_run(home: Target, run_id: str) -> None:
    with home.client() as client:
        client.log_image(run_id, np.zeros((3, 3), dtype=np.uint8), "client.png")
    assert stored_image(home, run_id, "client.png")[2].shape == (3, 3)


@pytest.mark.parametrize(
    ("image", "message"),
    [
        (np.full((4, 4), 1.5), r"\[0, 1\]"),
        (np.full((4, 4), -0.1), r"\[0, 1\]"),
        (np.full((4, 4), 300, dtype=np.int32), "uint8"),
        (np.full((4, 4), -1, dtype=np.int8), "uint8"),
        (np.zeros((4, 4, 2), dtype=np.uint8), "shape"),
        (np.zeros(16, dtype=np.uint8), "shape"),
        (np.zeros((2, 2, 2, 3), dtype=np.uint8), "shape"),
        (np.array([["a", "b"], ["c", "d"]]), "uint8"),
    ],
)
def test_log_image_refuses_bad_arrays(home: Target, run_id: str, image: Any, message: str) -> None:
    with pytest.raises(tether.InvalidInput, match=message):
        tether.log_image(image, "bad.png")
    assert stored_paths(home, run_id) == []


@pytest.mark.parametrize(
    ("image", "path"),
    [
        (Image.new("RGBA", (4, 4)), "no_alpha_in.jpg"),
        (np.zeros((4, 4), dtype=np.uint8), "unknown.xyz"),
    ],
)
def test_log_image_refuses_formats_that_cannot_hold_it(
    home: Target, run_id: str, image: Any, path: str
) -> None:
    with pytest.raises(tether.InvalidInput, match=re.escape(path)):
        tether.log_image(image, path)
    assert stored_paths(home, run_id) == []


def test_logging_an_artifact_needs_a_run(home: Target) -> None:
    with pytest.raises(tether.InvalidInput, match="no active run"):
        tether.log_image(np.zeros((2, 2), dtype=np.uint8), "orphan.png")
