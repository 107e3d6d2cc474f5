"""Sampling the machine (CPU, memory, disk, network, NVIDIA GPUs) into ``system/*`` metrics during a run.

A daemon thread wakes every ``interval_s`` seconds (it sleeps on an Event, so ``stop()`` wakes it at once),
reads the counters and hands them to a callback with steps 0, 1, 2 … ``stop()`` takes one last sample, so
even a run shorter than the interval gets a point. Sampling must never hurt the program being measured:
a source that fails is reported once through ``logging`` and left out, and the others go on.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
from collections.abc import Callable
from typing import Any

import psutil

from tether.errors import InvalidInput

_logger = logging.getLogger(__name__)

MEGABYTE = 1_000_000
_JOIN_TIMEOUT_S = 5.0

DISK_READ = "system/disk_read_megabytes"
DISK_WRITE = "system/disk_write_megabytes"
NETWORK_RECEIVE = "system/network_receive_megabytes"
NETWORK_TRANSMIT = "system/network_transmit_megabytes"

LogSample = Callable[[dict[str, float], int], None]


class SystemMetricsMonitor:
    """Calls ``log(values, step)`` with a fresh sample every ``interval_s`` seconds between start and stop.

    Transfer counters (disk read/write, network receive/transmit) count from the monitor's creation.
    ``sample()`` reads everything once without logging, for callers (and tests) that want no thread.
    """

    def __init__(self, log: LogSample, interval_s: float = 10.0) -> None:
        number = isinstance(interval_s, (int, float)) and not isinstance(interval_s, bool)
        if not (number and math.isfinite(interval_s) and interval_s > 0):
            raise InvalidInput(
                f"the system metrics interval must be a positive number of seconds, got {interval_s!r}"
            )
        self._log = log
        self._interval_s = float(interval_s)
        self._directory = os.getcwd()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._step = 0
        self._reported: set[str] = set()
        self._gpus = _Gpus()
        self._sources: list[tuple[str, Callable[[], dict[str, float]]]] = [
            ("CPU", _cpu),
            ("memory", _memory),
            ("disk usage", self._disk_usage),
            ("disk and network transfers", self._transfers),
            ("GPUs", self._gpus.read),
        ]
        self._read("CPU", _cpu)  # the first CPU reading only sets the reference point for the next
        self._baseline = self._read("disk and network transfers", _transfer_counters)
        self._gpus.open()

    def start(self) -> None:
        """Begin sampling in a daemon thread; a monitor runs once."""
        if self._thread is not None or self._stopping.is_set():
            raise InvalidInput("a system metrics monitor runs once; create a new one")
        self._thread = threading.Thread(target=self._run, name="tether-system-metrics", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Wake the thread, wait for it (a few seconds at most), log one last sample and release NVML."""
        thread, stopped_before = self._thread, self._stopping.is_set()
        self._stopping.set()
        if thread is not None and not stopped_before:
            thread.join(_JOIN_TIMEOUT_S)
            if not thread.is_alive():  # a thread stuck in ``log`` still owns the step counter
                self._record()
        self._gpus.close()

    def sample(self) -> dict[str, float]:
        """One reading of every source that works; a failing source is reported once and left out."""
        values: dict[str, float] = {}
        for name, read in self._sources:
            values.update(self._read(name, read))
        return values

    def _read(self, name: str, read: Callable[[], dict[str, float]]) -> dict[str, float]:
        try:
            return read()
        except Exception as error:  # psutil, OS and NVML errors alike: measuring must not break training
            self._report(f"could not read {name}", error)
            return {}

    def _run(self) -> None:
        while not self._stopping.wait(self._interval_s):
            self._record()

    def _record(self) -> None:
        values = self.sample()
        if not values:
            return
        try:
            self._log(values, self._step)
        except Exception as error:  # whatever the sink raises, the training program carries on
            self._report("could not log a sample", error)
        self._step += 1

    def _report(self, what: str, error: Exception) -> None:
        if what in self._reported:
            _logger.debug("system metrics: %s: %s", what, error)
            return
        self._reported.add(what)
        _logger.warning(
            "tether system metrics %s (%s); carrying on, further such errors are not reported", what, error
        )

    def _disk_usage(self) -> dict[str, float]:
        usage = psutil.disk_usage(self._directory)
        return {
            "system/disk_used_megabytes": usage.used / MEGABYTE,
            "system/disk_utilization_percentage": float(usage.percent),
        }

    def _transfers(self) -> dict[str, float]:
        now = _transfer_counters()
        return {key: max(0.0, value - self._baseline.get(key, value)) for key, value in now.items()}


def _cpu() -> dict[str, float]:
    return {"system/cpu_utilization_percentage": float(psutil.cpu_percent(interval=None))}


def _memory() -> dict[str, float]:
    memory = psutil.virtual_memory()
    return {
        "system/memory_used_megabytes": (memory.total - memory.available) / MEGABYTE,
        "system/memory_utilization_percentage": float(memory.percent),
    }


def _transfer_counters() -> dict[str, float]:
    """Megabytes moved since boot; a counter the platform does not offer (containers, some VMs) is absent."""
    counters: dict[str, float] = {}
    disk = psutil.disk_io_counters()
    if disk is not None:
        counters[DISK_READ] = disk.read_bytes / MEGABYTE
        counters[DISK_WRITE] = disk.write_bytes / MEGABYTE
    network = psutil.net_io_counters()
    if network:
        counters[NETWORK_RECEIVE] = network.bytes_recv / MEGABYTE
        counters[NETWORK_TRANSMIT] = network.bytes_sent / MEGABYTE
    return counters


class _Gpus:
    """NVIDIA GPUs through NVML (package nvidia-ml-py); no GPUs when it is missing or finds no driver."""

    def __init__(self) -> None:
        self._nvml: Any = None
        self._handles: list[Any] = []

    def open(self) -> None:
        try:
            import pynvml

            pynvml.nvmlInit()
        except Exception:  # ImportError, or an NVMLError when there is no driver or no GPU: nothing to read
            return
        try:
            self._handles = [pynvml.nvmlDeviceGetHandleByIndex(i) for i in range(pynvml.nvmlDeviceGetCount())]
        except pynvml.NVMLError:
            with contextlib.suppress(pynvml.NVMLError):
                pynvml.nvmlShutdown()
            return
        self._nvml = pynvml

    def read(self) -> dict[str, float]:
        values: dict[str, float] = {}
        for index, handle in enumerate(self._handles):
            values.update(self._read_one(f"system/gpu_{index}_", handle))
        return values

    def _read_one(self, prefix: str, handle: Any) -> dict[str, float]:
        """Each reading on its own: a GPU that does not report power still reports the rest."""
        nvml = self._nvml
        values: dict[str, float] = {}
        with contextlib.suppress(nvml.NVMLError):
            values[prefix + "utilization_percentage"] = float(nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
        with contextlib.suppress(nvml.NVMLError):
            memory = nvml.nvmlDeviceGetMemoryInfo(handle)
            values[prefix + "memory_used_megabytes"] = memory.used / MEGABYTE
            values[prefix + "memory_utilization_percentage"] = 100.0 * memory.used / memory.total
        with contextlib.suppress(nvml.NVMLError):
            values[prefix + "power_watts"] = nvml.nvmlDeviceGetPowerUsage(handle) / 1000.0
        return values

    def close(self) -> None:
        if self._nvml is not None:
            with contextlib.suppress(self._nvml.NVMLError):
                self._nvml.nvmlShutdown()
        self._nvml = None
        self._handles = []
