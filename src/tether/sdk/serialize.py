"""Turning in-memory objects (text, dicts, figures, images) into artifact bytes, chosen by file extension."""

from __future__ import annotations

import io
import json
from pathlib import PurePosixPath
from typing import Any

from tether.errors import InvalidInput


def text_bytes(text: str) -> bytes:
    if not isinstance(text, str):
        raise InvalidInput(f"log_text needs a str, got {type(text).__name__}")
    return text.encode("utf-8")


def dict_bytes(data: Any, artifact_path: str) -> bytes:
    """JSON, or YAML when the path ends in .yaml/.yml."""
    suffix = PurePosixPath(artifact_path).suffix.lower()
    try:
        if suffix in (".yaml", ".yml"):
            import yaml

            return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")
        return json.dumps(data, indent=2, ensure_ascii=False, allow_nan=True).encode("utf-8")
    except Exception as error:  # json's TypeError/ValueError and yaml's YAMLError share no narrower base
        raise InvalidInput(f"cannot serialise the dict for {artifact_path!r}: {error}") from error


def figure_bytes(figure: Any, artifact_path: str) -> bytes:
    """A matplotlib figure in the format its extension names (png, svg, pdf …), or a plotly one as HTML."""
    suffix = PurePosixPath(artifact_path).suffix.lower().lstrip(".")
    if hasattr(figure, "savefig"):
        buffer = io.BytesIO()
        try:
            figure.savefig(buffer, format=suffix or "png", bbox_inches="tight")
        except ValueError as error:
            raise InvalidInput(f"cannot save the figure as {artifact_path!r}: {error}") from error
        return buffer.getvalue()
    if hasattr(figure, "to_html") and suffix == "html":
        return str(figure.to_html(include_plotlyjs=True)).encode("utf-8")
    kind = type(figure).__name__
    raise InvalidInput(f"log_figure needs a matplotlib figure, or a plotly figure saved as .html; got {kind}")


def image_bytes(image: Any, artifact_path: str) -> bytes:
    """A PIL image or a NumPy array (H×W grey, H×W×3 RGB, H×W×4 RGBA; uint8, or floats in [0, 1])."""
    try:
        from PIL import Image
    except ImportError as error:
        raise InvalidInput("log_image needs Pillow: pip install 'tether[plots]'") from error
    if not isinstance(image, Image.Image):
        image = Image.fromarray(_as_uint8(image))
    suffix = PurePosixPath(artifact_path).suffix.lower().lstrip(".") or "png"
    buffer = io.BytesIO()
    try:
        image.save(buffer, format=Image.registered_extensions().get(f".{suffix}", suffix.upper()))
    except (KeyError, ValueError, OSError) as error:
        raise InvalidInput(f"cannot save the image as {artifact_path!r}: {error}") from error
    return buffer.getvalue()


def _as_uint8(array: Any) -> Any:
    import numpy as np

    data = np.asarray(array)
    if data.ndim not in (2, 3) or (data.ndim == 3 and data.shape[2] not in (1, 3, 4)):
        raise InvalidInput(f"an image array must be H×W, H×W×3 or H×W×4, got shape {data.shape}")
    if data.ndim == 3 and data.shape[2] == 1:
        data = data[:, :, 0]
    if data.dtype == np.uint8:
        return data
    if np.issubdtype(data.dtype, np.floating):
        if np.nanmin(data) < 0 or np.nanmax(data) > 1:
            raise InvalidInput("a float image must hold values in [0, 1]")
        return (np.nan_to_num(data) * 255).round().astype(np.uint8)
    if np.issubdtype(data.dtype, np.integer) and data.min() >= 0 and data.max() <= 255:
        return data.astype(np.uint8)
    raise InvalidInput(f"an image array must be uint8 or floats in [0, 1], got {data.dtype}")
