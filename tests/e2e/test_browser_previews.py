"""Artifact previews in the browser stay within their bounds: an image declaring 100,000 × 100,000
pixels is not handed to the browser to decode, and a table cut by the server's bounds says what it left
out. The files go to an experiment of their own on the demo server, so other tests see nothing of them."""

from __future__ import annotations

import io
import re
import struct
import uuid
import zlib

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from playwright.sync_api import Page, expect
from tests.e2e.conftest import DemoServer

pytestmark = pytest.mark.e2e

API = "/api/v1"


def png_declaring(width: int, height: int) -> bytes:
    """A PNG of a few bytes whose header claims ``width`` × ``height`` pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def wide_table() -> bytes:
    out = io.BytesIO()
    columns = {f"c{i}": [i, i + 1] for i in range(150)}
    columns["c0"] = ["x" * 5000, "short"]
    pq.write_table(pa.table(columns), out)
    return out.getvalue()


@pytest.fixture(scope="module")
def run_url(demo_server: DemoServer) -> str:
    with httpx.Client(base_url=demo_server.url) as api:
        experiment = api.post(f"{API}/experiments", json={"name": f"previews-{uuid.uuid4().hex[:6]}"}).json()
        experiment_id = experiment["experiment_id"]
        run = api.post(f"{API}/runs", json={"experiment_id": experiment_id}).json()["run_id"]
        for name, data in (("bomb.png", png_declaring(100_000, 100_000)), ("wide.parquet", wide_table())):
            assert api.put(f"{API}/runs/{run}/artifacts/{name}", content=data).status_code == 201
    return f"{demo_server.url}/experiments/{experiment_id}/runs/{run}"


def test_an_image_declaring_too_many_pixels_is_not_shown(page: Page, run_url: str) -> None:
    page.goto(f"{run_url}?tab=artifacts&path=bomb.png")
    expect(page.get_by_text("This image is 100,000 × 100,000 pixels, too many to show here")).to_be_visible()
    expect(page.locator("main img")).to_have_count(0)


def test_a_table_cut_by_the_bounds_says_so(page: Page, run_url: str) -> None:
    page.goto(f"{run_url}?tab=artifacts&path=wide.parquet")
    expect(page.get_by_text(re.compile(r"the first 100 of 150 columns"))).to_be_visible()
    expect(page.get_by_text("1 cell longer than 1,000 characters is cut short (…).")).to_be_visible()
    cut = page.get_by_role("region", name="Rows of wide.parquet").get_by_role("cell").nth(1)
    expect(cut).to_have_attribute("title", "Cut to 1,000 characters; download the file for the rest")
