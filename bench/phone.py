"""How fast do the operator's page and the board render on a slow phone connection? Prints
timings; asserts nothing.

    uv run python bench/phone.py

Starts ``fristad serve --demo`` in a temporary folder, signs in (unthrottled) as the demo's shelter
operator and caseworker, then loads each page with an empty cache in Chromium at 390 × 844 under
two "slow 3G" profiles emulated through the DevTools protocol: 400 ms round trip and 400 kbit/s
down and up (Lighthouse's mobile preset of old, the one the 2 s target is read against), then
DevTools' own "Slow 3G" preset, which adds 2 s of latency to every request (so no page can paint
within 2 s under it: what counts there is how little comes after the first round trip). Prints
first contentful paint, DOMContentLoaded and load, the median of five loads, with the bytes
transferred.
"""

from __future__ import annotations

import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [path for path in sys.path if os.path.abspath(path or ".") != HERE]

from playwright.async_api import async_playwright  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "Fristad-demo-2026"  # noqa: S105 - the demo's published password
PROFILES = {
    "slow 3G (400 ms round trip, 400 kbit/s)": {
        "offline": False,
        "latency": 400,
        "downloadThroughput": 400 * 1000 / 8,
        "uploadThroughput": 400 * 1000 / 8,
    },
    # DevTools' "Slow 3G" preset: 2 s latency, 500 kbit/s × 0.8.
    "DevTools Slow 3G (2 000 ms latency, 400 kbit/s)": {
        "offline": False,
        "latency": 2000,
        "downloadThroughput": 500 * 1000 / 8 * 0.8,
        "uploadThroughput": 500 * 1000 / 8 * 0.8,
    },
}
PAGES = (("erik@fyrbaken.example", "/shelters/operate/"), ("lina@trygghamn.example", "/shelters/"))
LOADS = 5

TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const bytes = performance.getEntriesByType("resource")
    .reduce((sum, r) => sum + r.transferSize, 0);
  return {fcp: paint ? paint.startTime : null, dcl: nav.domContentLoadedEventEnd,
          load: nav.loadEventEnd, bytes: bytes + nav.transferSize};
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_demo() -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "FRISTAD_VAR_DIR": tempfile.mkdtemp(prefix="fristad-bench-phone-")}
    server = subprocess.Popen(
        [sys.executable, "-m", "fristad", "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        try:
            # An http URL this script built (no file: or other scheme).
            with urllib.request.urlopen(url + "/readyz", timeout=2) as answer:  # noqa: S310  # nosec B310
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(1)
    server.terminate()
    raise SystemExit("the demo server did not start")


async def measure(url: str, conditions: dict[str, object]) -> None:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM)
        for email, path in PAGES:
            context = await browser.new_context(
                viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
            )
            page = await context.new_page()
            await page.goto(url + "/sign-in")
            await page.locator("#f-email").fill(email)
            await page.locator("#f-password").fill(PASSWORD)
            await page.locator("#f-password").press("Enter")
            await page.wait_for_url(lambda now: "/sign-in" not in now)
            results = []
            for _ in range(LOADS):
                fresh = await context.new_page()
                cdp = await context.new_cdp_session(fresh)
                await cdp.send("Network.enable")
                await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
                await cdp.send("Network.emulateNetworkConditions", conditions)
                await fresh.goto(url + path, wait_until="load")
                results.append(await fresh.evaluate(TIMINGS))
                await fresh.close()
            await context.close()

            def median(key: str, results: list[dict[str, float]] = results) -> float:
                return statistics.median(r[key] for r in results if r[key] is not None)

            print(
                f"{path:22} first paint {median('fcp'):6.0f} ms   DOMContentLoaded "
                f"{median('dcl'):6.0f} ms   load {median('load'):6.0f} ms   "
                f"{median('bytes') / 1000:.1f} kB (median of {LOADS})"
            )
        await browser.close()


def main() -> None:
    server, url = start_demo()
    try:
        for name, conditions in PROFILES.items():
            print(f"{name}; 390 x 844, touch")
            asyncio.run(measure(url, conditions))
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
