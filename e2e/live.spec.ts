import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

/**
 * The live path end to end on real parts: an analyst starts a replay of a past session from the Data
 * page (ingest worker: replay collector → Redis Stream → bar builder → Postgres + bar events), opens the
 * symbol's 1m chart while it plays and watches the last candle change through the bars.live
 * subscription; the badge reports live with the breaker closed; a watchlist row updates too.
 */
// Whatever happened, leave no replay running for the other specs.
test.afterEach(async ({ page }) => {
  await page.goto("/data");
  const stop = page.getByTestId("live-panel").getByRole("button", { name: "Stop replay" });
  if (await stop.isVisible()) await stop.click();
});

test("replay a session and watch the live candle move on the chart and in the watchlist", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, admin().email, admin().password);
  await page.getByRole("link", { name: "Market data" }).click();
  const panel = page.getByTestId("live-panel");
  await expect(panel).toBeVisible();
  await panel.getByLabel("Replay symbols").fill("SIM0106 SIM0107");
  await panel.getByLabel("Replay speed").selectOption("300");
  await panel.getByRole("button", { name: "Start replay" }).click();
  // Our request replaces the demo replay (one replay at a time).
  await expect(panel.getByTestId("replay-state")).toContainText(/^SIM0106, SIM0107 · .* at 300×/);
  // The ingest worker picks the request up and streams: our replay reports its clock, and the replay
  // collector shows as live with our two symbols subscribed (not the demo replay's).
  await expect(panel.getByTestId("replay-progress")).toHaveAttribute("data-clock", /\d+/, { timeout: 15_000 });
  const replayRow = panel.getByTestId("collectors-table").locator('tr[data-provider="replay"]');
  await expect(replayRow).toContainText("live", { timeout: 15_000 });
  await expect(replayRow.locator("td").nth(3)).toHaveText("2", { timeout: 15_000 });
  await expect(panel.getByTestId("builder-status")).toContainText(/prints applied/, { timeout: 15_000 });
  // The builder's own bar-close latency, once the replay has closed minutes.
  await expect(panel.getByTestId("builder-status")).toContainText(/bar close p50 [\d.]+ ms, p99 [\d.]+ ms \(last \d+ closes\)/, { timeout: 15_000 });
  await shot(page, "60-live-feeds");

  await page.goto("/symbols/SIM0106");
  await page.getByRole("button", { name: "1m", exact: true }).click();
  const badge = page.getByTestId("live-badge");
  await expect(badge).toHaveAttribute("data-state", "live", { timeout: 20_000 });
  await expect(badge).toHaveAttribute("data-breaker", /closed/);
  const chart = page.getByTestId("candles-chart");
  await expect(chart).toHaveAttribute("data-last-ts", /\d+/, { timeout: 20_000 });
  // Watch the last candle change: a new minute appears or the forming one moves.
  const before = { ts: await chart.getAttribute("data-last-ts"), close: await chart.getAttribute("data-last-close"), bars: await chart.getAttribute("data-bars") };
  await expect
    .poll(async () => `${await chart.getAttribute("data-last-ts")}|${await chart.getAttribute("data-last-close")}|${await chart.getAttribute("data-bars")}`, { timeout: 20_000 })
    .not.toBe(`${before.ts}|${before.close}|${before.bars}`);
  await expect.poll(async () => Number(await badge.getAttribute("data-updates")), { timeout: 20_000 }).toBeGreaterThan(3);
  await shot(page, "61-live-chart");

  // The dashboard watchlist follows the same feed.
  await page.getByRole("link", { name: "Dashboard" }).click();
  const tile = page.getByTestId("watchlist-tile");
  await tile.getByLabel("Add symbol").fill("SIM0107");
  await tile.getByRole("button", { name: "Add" }).click();
  const row = tile.locator('[data-testid="watchlist-row"][data-symbol="SIM0107"]');
  await expect(row).toBeVisible();
  const last = row.getByTestId("watchlist-last");
  await expect(last).toHaveAttribute("data-value", /\d/, { timeout: 20_000 });
  const v0 = await last.getAttribute("data-value");
  await expect.poll(() => last.getAttribute("data-value"), { timeout: 20_000 }).not.toBe(v0);
  await shot(page, "62-live-watchlist");

  await page.getByRole("link", { name: "Market data" }).click();
  await page.getByTestId("live-panel").getByRole("button", { name: "Stop replay" }).click();
  await expect(page.getByTestId("live-panel")).toContainText("No replay requested.");
});

test("an alert rule on bar close fires from a replayed live bar", async ({ page }) => {
  test.setTimeout(120_000);
  await login(page, admin().email, admin().password);
  await page.goto("/scanner");
  await page.getByLabel("Scan expression").fill("timeframe 1m universe symbols in (SIM0108) where close > 0 and volume > 0");
  await expect(page.getByTestId("scan-validation")).toContainText("✓ 1m");
  await page.getByLabel("Scan name").fill("SIM0108 trades");
  await page.getByRole("button", { name: "Save scan" }).click();
  await expect(page.getByTestId("saved-scans")).toContainText("SIM0108 trades");

  await page.getByRole("link", { name: "Alerts" }).click();
  await page.getByLabel("Rule name").fill("Minute close watch");
  await page.getByLabel("Saved scan").selectOption({ label: "SIM0108 trades" });
  await page.getByLabel("Run on").selectOption("bar-close");
  await page.getByRole("button", { name: "Create rule" }).click();
  const row = page.getByTestId("alert-rules").getByRole("row", { name: /Minute close watch/ });
  await expect(row).toContainText("each bar close");

  // Replay a session of SIM0108: the first closed minute is stored, the rule's scan runs, SIM0108 is a new hit.
  try {
    await page.getByRole("link", { name: "Market data" }).click();
    const panel = page.getByTestId("live-panel");
    await panel.getByLabel("Replay symbols").fill("SIM0108");
    await panel.getByLabel("Replay speed").selectOption("60");
    await panel.getByRole("button", { name: "Start replay" }).click();
    await expect(panel.getByTestId("replay-state")).toContainText(/^SIM0108 · .* at 60×/);
    await expect(page.getByRole("status").filter({ hasText: "Minute close watch" }).first()).toBeVisible({ timeout: 45_000 });
    await page.getByRole("link", { name: "Alerts" }).click();
    const inbox = page.getByTestId("alert-inbox");
    await expect(inbox.getByText("Minute close watch").first()).toBeVisible();
    await expect(inbox).toContainText("SIM0108");
    await shot(page, "63-live-bar-alert");
  } finally {
    // Leave nothing running for the other specs: pause the rule (afterEach stops the replay).
    await page.goto("/alerts");
    await page.getByTestId("alert-rules").getByRole("row", { name: /Minute close watch/ }).getByRole("button", { name: "Pause" }).click();
  }
});
