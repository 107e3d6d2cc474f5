"""SystemMetricsMonitor: what a sample holds, the sampling thread, error handling, GPUs (through a stand-in
NVML module, since test machines have no GPU) and the fluent ``start_run(log_system_metrics=True)``."""

from __future__ import annotations

import logging
import sys
import threading
import types
from collections.abc import Iterator
from typing import Any

import psutil
import pytest
from tests.support import Target

import tether
from tether.sdk import system_metrics
from tether.sdk.system_metrics import SystemMetricsMonitor

ALWAYS_PRESENT = {
    "system/cpu_utilization_percentage",
    "system/memory_used_megabytes",
    "system/memory_utilization_percentage",
    "system/disk_used_megabytes",
    "system/disk_utilization_percentage",
}
PERCENTAGES = {key for key in ALWAYS_PRESENT if key.endswith("percentage")}
LOGGER = "tether.sdk.system_metrics"


class Recorder:
    """A log callback that keeps every sample and lets a test wait for the n-th one."""

    def __init__(self, wanted: int = 1) -> None:
        self.samples: list[tuple[dict[str, float], int]] = []
        self.wanted = wanted
        self.enough = threading.Event()

    def __call__(self, values: dict[str, float], step: int) -> None:
        self.samples.append((values, step))
        if len(self.samples) >= self.wanted:
            self.enough.set()


@pytest.fixture
def no_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make ``import pynvml`` fail, whatever is installed."""
    monkeypatch.setitem(sys.modules, "pynvml", None)


@pytest.fixture
def home(sqlite_target: Target) -> Iterator[Target]:
    sqlite_target.configure()
    yield sqlite_target
    while tether.active_run() is not None:
        tether.end_run()
    tether.configure()


@pytest.mark.parametrize("interval", [0, -1, float("nan"), float("inf"), True, "1", None])
def test_interval_must_be_a_positive_number(interval: Any) -> None:
    with pytest.raises(tether.InvalidInput, match="interval"):
        SystemMetricsMonitor(Recorder(), interval_s=interval)


@pytest.mark.usefixtures("no_nvml")
def test_sample_reads_cpu_memory_and_disk_without_a_thread() -> None:
    recorder = Recorder()
    monitor = SystemMetricsMonitor(recorder, interval_s=3600)
    values = monitor.sample()
    assert values.keys() >= ALWAYS_PRESENT
    assert all(key.startswith("system/") and not key.startswith("system/gpu_") for key in values)
    assert all(isinstance(value, float) for value in values.values())
    for key in PERCENTAGES:
        assert 0.0 <= values[key] <= 100.0
    for key in (
        system_metrics.DISK_READ,
        system_metrics.DISK_WRITE,
        system_metrics.NETWORK_RECEIVE,
        system_metrics.NETWORK_TRANSMIT,
    ):
        assert values.get(key, 0.0) >= 0.0  # counted from creation; absent where the platform has none
    assert recorder.samples == []


def test_transfers_count_from_creation(monkeypatch: pytest.MonkeyPatch) -> None:
    disk = types.SimpleNamespace(read_bytes=5_000_000, write_bytes=1_000_000)
    network = types.SimpleNamespace(bytes_recv=7_000_000, bytes_sent=0)
    monkeypatch.setattr(psutil, "disk_io_counters", lambda: disk)
    monkeypatch.setattr(psutil, "net_io_counters", lambda: network)
    monitor = SystemMetricsMonitor(Recorder())
    disk.read_bytes += 2_500_000
    network.bytes_sent += 1_000_000
    values = monitor.sample()
    assert values[system_metrics.DISK_READ] == pytest.approx(2.5)
    assert values[system_metrics.DISK_WRITE] == 0.0
    assert values[system_metrics.NETWORK_RECEIVE] == 0.0
    assert values[system_metrics.NETWORK_TRANSMIT] == pytest.approx(1.0)


def test_missing_transfer_counters_are_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(psutil, "disk_io_counters", lambda: None)
    monkeypatch.setattr(psutil, "net_io_counters", lambda: None)
    values = SystemMetricsMonitor(Recorder()).sample()
    assert values.keys() >= ALWAYS_PRESENT
    assert system_metrics.DISK_READ not in values
    assert system_metrics.NETWORK_RECEIVE not in values


def test_thread_logs_samples_with_consecutive_steps() -> None:
    recorder = Recorder(wanted=3)
    monitor = SystemMetricsMonitor(recorder, interval_s=0.05)
    monitor.start()
    try:
        assert recorder.enough.wait(30)
    finally:
        monitor.stop()
    steps = [step for _, step in recorder.samples]
    assert steps == list(range(len(steps)))
    assert all(values.keys() >= ALWAYS_PRESENT for values, _ in recorder.samples)


def test_stop_wakes_the_thread_and_takes_one_last_sample() -> None:
    recorder = Recorder()
    monitor = SystemMetricsMonitor(recorder, interval_s=3600)
    monitor.start()
    monitor.stop()  # would hang for an hour if the thread slept instead of waiting on its event
    assert [step for _, step in recorder.samples] == [0]
    monitor.stop()
    assert len(recorder.samples) == 1


def test_a_monitor_runs_once() -> None:
    monitor = SystemMetricsMonitor(Recorder(), interval_s=3600)
    monitor.start()
    with pytest.raises(tether.InvalidInput, match="once"):
        monitor.start()
    monitor.stop()
    with pytest.raises(tether.InvalidInput, match="once"):
        monitor.start()


def test_stop_without_start_logs_nothing() -> None:
    recorder = Recorder()
    SystemMetricsMonitor(recorder).stop()
    assert recorder.samples == []


def test_a_failing_callback_is_reported_once_and_sampling_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    calls = Recorder(wanted=3)

    def broken(values: dict[str, float], step: int) -> None:
        calls(values, step)
        raise RuntimeError("store is gone")

    monitor = SystemMetricsMonitor(broken, interval_s=0.05)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        monitor.start()
        try:
            assert calls.enough.wait(30)
        finally:
            monitor.stop()
    warnings = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "store is gone" in warnings[0].getMessage()
    steps = [step for _, step in calls.samples]
    assert steps == list(range(len(steps)))


def test_a_failing_source_is_left_out_and_reported_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monitor = SystemMetricsMonitor(Recorder())

    def broken() -> None:
        raise PermissionError("no /proc/meminfo here")

    monkeypatch.setattr(psutil, "virtual_memory", broken)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        first = monitor.sample()
        second = monitor.sample()
    for values in (first, second):
        assert "system/cpu_utilization_percentage" in values
        assert "system/memory_used_megabytes" not in values
    warnings = [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "memory" in warnings[0].getMessage()


def test_a_monitor_is_created_even_when_counters_fail(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> None:
        raise OSError("no /proc/diskstats here")

    monkeypatch.setattr(psutil, "disk_io_counters", broken)
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        monitor = SystemMetricsMonitor(Recorder())
        values = monitor.sample()
    assert values.keys() >= ALWAYS_PRESENT
    assert system_metrics.DISK_READ not in values
    assert [r.getMessage().count("diskstats") for r in caplog.records] == [1]


class FakeNvml(types.ModuleType):
    """Just enough of pynvml for two GPUs; the second one does not report power, as some boards do."""

    class NVMLError(Exception):
        pass

    def __init__(self, fail_init: bool = False) -> None:
        super().__init__("pynvml")
        self.fail_init = fail_init
        self.initialised = 0

    def nvmlInit(self) -> None:
        if self.fail_init:
            raise self.NVMLError("NVML Shared Library Not Found")
        self.initialised += 1

    def nvmlShutdown(self) -> None:
        self.initialised -= 1

    def nvmlDeviceGetCount(self) -> int:
        return 2

    def nvmlDeviceGetHandleByIndex(self, index: int) -> int:
        return index

    def nvmlDeviceGetUtilizationRates(self, handle: int) -> types.SimpleNamespace:
        return types.SimpleNamespace(gpu=40 + handle, memory=10)

    def nvmlDeviceGetMemoryInfo(self, handle: int) -> types.SimpleNamespace:
        return types.SimpleNamespace(used=2_000_000_000, total=8_000_000_000, free=6_000_000_000)

    def nvmlDeviceGetPowerUsage(self, handle: int) -> int:
        if handle == 1:
            raise self.NVMLError("Not Supported")
        return 150_500


def test_gpus_are_read_through_nvml(monkeypatch: pytest.MonkeyPatch) -> None:
    nvml = FakeNvml()
    monkeypatch.setitem(sys.modules, "pynvml", nvml)
    recorder = Recorder()
    monitor = SystemMetricsMonitor(recorder, interval_s=3600)
    assert nvml.initialised == 1
    monitor.start()
    monitor.stop()
    assert nvml.initialised == 0
    values = recorder.samples[0][0]
    gpus = {key: value for key, value in values.items() if key.startswith("system/gpu_")}
    assert gpus == {
        "system/gpu_0_utilization_percentage": 40.0,
        "system/gpu_0_memory_used_megabytes": 2000.0,
        "system/gpu_0_memory_utilization_percentage": 25.0,
        "system/gpu_0_power_watts": 150.5,
        "system/gpu_1_utilization_percentage": 41.0,
        "system/gpu_1_memory_used_megabytes": 2000.0,
        "system/gpu_1_memory_utilization_percentage": 25.0,
    }


def test_nvml_without_a_driver_is_skipped_silently(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "pynvml", FakeNvml(fail_init=True))
    with caplog.at_level(logging.DEBUG, logger=LOGGER):
        values = SystemMetricsMonitor(Recorder()).sample()
    assert values.keys() >= ALWAYS_PRESENT
    assert not any(key.startswith("system/gpu_") for key in values)
    assert caplog.records == []


@pytest.mark.usefixtures("no_nvml")
def test_start_run_logs_system_metrics_history(home: Target) -> None:
    with tether.start_run(log_system_metrics=True, system_metrics_interval=0.05) as run:
        tether.log_metric("loss", 0.5)
    with home.client() as client:
        stored = client.get_run(run.run_id)
        history = client.get_metric_history(run.run_id, "system/cpu_utilization_percentage")
    assert stored.status == "FINISHED"
    assert stored.metrics.keys() >= ALWAYS_PRESENT
    assert "loss" in stored.metrics
    assert [point.step for point in history] == list(range(len(history)))
    assert len(history) >= 1


def test_start_run_refuses_a_bad_interval(home: Target) -> None:
    with pytest.raises(tether.InvalidInput, match="interval"):
        tether.start_run(log_system_metrics=True, system_metrics_interval=0)
