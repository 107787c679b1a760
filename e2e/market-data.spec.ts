import path from "node:path";
import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

test.describe.configure({ mode: "serial" });

test("the demo universe is loaded and a bundled symbol charts raw and adjusted prices", async ({ page }) => {
  await login(page, admin().email, admin().password);
  await page.getByRole("link", { name: "Market data" }).click();
  await expect(page.getByRole("heading", { name: "Market data" })).toBeVisible();
  const aapl = page.getByTestId("universe-table").getByRole("row", { name: /AAPL/ });
  await expect(aapl).toContainText("Apple Inc.");
  await expect(aapl).toContainText("2021-04-21");
  await expect(aapl.getByText("clean")).toBeVisible();
  await shot(page, "10-market-data");

  await aapl.getByRole("link", { name: "AAPL" }).click();
  await expect(page.getByTestId("candles-chart")).toBeVisible();
  await expect(page.getByTestId("bars-loaded")).toContainText("bars");
  await expect(page.getByTestId("chart-legend")).toContainText("adj");
  await page.waitForTimeout(500);
  await shot(page, "11-aapl-adjusted");
  await page.getByLabel("Adjusted prices").uncheck();
  await expect(page.getByTestId("chart-legend")).toContainText("raw");
  await page.waitForTimeout(500);
  await shot(page, "12-aapl-raw");

  // Indicators: the default RSI pane, then add MACD and Bollinger, edit RSI's period, mark engulfing patterns.
  await page.getByLabel("Adjusted prices").check();
  await expect(page.locator('[data-testid="pane-legend"][data-indicator]').first()).toContainText("RSI(14)");
  await page.getByLabel("Add indicator").selectOption("macd");
  await page.getByLabel("Add indicator").selectOption("bbands");
  await expect(page.getByTestId("pane-legend").filter({ hasText: "MACD" })).toBeVisible();
  await page.getByLabel("RSI period").fill("21");
  await expect(page.getByTestId("pane-legend").filter({ hasText: "RSI(21)" })).toBeVisible();
  await page.waitForTimeout(500);
  await shot(page, "17-aapl-indicators");
});

test("add a symbol, backfill it from the simulator, open its chart and switch timeframes", async ({ page }) => {
  await login(page, admin().email, admin().password);
  await page.goto("/data");
  await page.getByLabel("Symbols (comma or space separated)").fill("SIM0003");
  await page.getByLabel("New symbol provider").selectOption("sim");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  const row = page.getByTestId("universe-table").getByRole("row", { name: /SIM0003/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText("no data");

  await row.getByRole("checkbox").check();
  await page.getByLabel("Backfill provider").selectOption("sim");
  await page.getByLabel("Backfill timeframe").selectOption("1m");
  await page.getByLabel("Backfill from").fill("2024-03-04");
  await page.getByLabel("Backfill to").fill("2024-03-09");
  await page.getByRole("button", { name: "Start backfill" }).click();
  await expect(page.getByText(/Run queued/)).toBeVisible();
  const run = page.getByTestId("runs-table").getByRole("row", { name: /SIM0003/ }).first();
  await expect(run.getByText("succeeded")).toBeVisible({ timeout: 60_000 });
  await expect(run).toContainText("100%");
  await expect(run).toContainText("1,950"); // 5 sessions × 390 minutes stored
  await shot(page, "13-backfill-done");

  await expect(row).toContainText("2024-03-08", { timeout: 15_000 }); // daily bars rolled up from 1m
  await row.getByRole("link", { name: "SIM0003" }).click();
  await expect(page.getByTestId("candles-chart")).toBeVisible();
  await page.getByRole("button", { name: "1m", exact: true }).click();
  await expect(page.getByTestId("bars-loaded")).toContainText("1,500 bars"); // first page of 1m bars
  await page.getByRole("button", { name: "5m", exact: true }).click();
  await expect(page.getByTestId("bars-loaded")).toContainText("390 bars");
  await page.waitForTimeout(500);
  await shot(page, "14-sim-5m");
  await page.getByRole("button", { name: "1h", exact: true }).click();
  await expect(page.getByTestId("bars-loaded")).toContainText("35 bars"); // 7 hourly buckets × 5 sessions
  await page.waitForTimeout(500);
  await shot(page, "15-sim-1h");
});

test("upload a CSV: detected, imported, rejected rows reported", async ({ page }) => {
  await login(page, admin().email, admin().password);
  await page.goto("/data");
  await page.getByLabel("CSV file").setInputFiles(path.join(import.meta.dirname, "fixtures", "testcsv-1d.csv"));
  await expect(page.getByTestId("csv-detection")).toContainText("detected 1d");
  await expect(page.getByLabel("Import symbol")).toHaveValue("TESTCSV");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByTestId("import-result")).toContainText("succeeded: 300 rows for TESTCSV (1d)");
  await page.getByLabel("CSV file").setInputFiles(path.join(import.meta.dirname, "fixtures", "testcsv-malformed.csv"));
  await page.getByLabel("Import symbol").fill("TESTBAD");
  await page.getByRole("button", { name: "Import", exact: true }).click();
  await expect(page.getByTestId("import-result")).toContainText("partial: 5 rows for TESTBAD");
  await expect(page.getByTestId("import-result")).toContainText("line 4");
  await shot(page, "16-csv-import");
});
