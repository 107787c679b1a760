import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

test("write a scan with live validation, run it over the universe, save it and run it again", async ({ page }) => {
  await login(page, admin().email, admin().password);
  await page.getByRole("link", { name: "Scanner" }).click();
  await expect(page.getByRole("heading", { name: "Scanner" })).toBeVisible();
  const editor = page.getByLabel("Scan expression");

  // Other specs' alert rules run scans of this user too, so only this scan's runs are counted
  // (the list shows the newest 10).
  const scanText = "universe asset_class = stock where close > sma(200) and rsi(14) > 50 sort by ROC20 desc limit 10";
  const ownRuns = page.getByTestId("scan-runs").getByRole("row").filter({ hasText: scanText });
  await expect(page.getByTestId("scan-runs")).toBeVisible();
  const runsBefore = await ownRuns.count();
  await editor.fill("rsii(14) < 30");
  await expect(page.getByTestId("scan-validation")).toContainText("did you mean rsi?");
  await shot(page, "30-scan-error");

  await editor.fill(scanText);
  await expect(page.getByTestId("scan-validation")).toContainText("✓ 1d");
  await page.getByRole("button", { name: "Run scan" }).click();
  const results = page.getByTestId("scan-results");
  await expect(results.getByRole("row").nth(1)).toBeVisible();
  await expect(page.getByTestId("scan-meta")).toContainText(/as of \d{4}-\d{2}-\d{2}/);
  await expect(results.getByRole("columnheader", { name: "sma(200)" })).toBeVisible();
  await expect(results.getByRole("columnheader", { name: "ROC20 desc" })).toBeVisible();
  // One format per column: every close has two decimals.
  const closes = await results.evaluate((table) => {
    const col = [...table.querySelectorAll("thead th")].findIndex((th) => th.textContent?.trim() === "close");
    return [...table.querySelectorAll("tbody tr")].map((r) => r.querySelectorAll("td")[col]?.textContent ?? "");
  });
  expect(closes.length).toBeGreaterThan(0);
  for (const c of closes) expect(c).toMatch(/^[\d,]+\.\d{2}$/);
  // Bundled symbols end in 2021, simulated ones run to yesterday: each row says which bar it was read at.
  await expect(results.getByRole("columnheader", { name: "Bar", exact: true })).toBeVisible();
  const first = (await results.getByRole("row").nth(1).getByRole("cell").first().textContent())?.trim();
  expect(first).toMatch(/^[A-Z]+/);
  await shot(page, "31-scan-results");

  await page.getByLabel("Scan name").fill("Strong uptrend");
  await page.getByRole("button", { name: "Save scan" }).click();
  await expect(page.getByTestId("saved-scans")).toContainText("Strong uptrend");
  await page.getByRole("button", { name: "Run scan" }).click();
  await expect(page.getByTestId("scan-meta")).toContainText(/new since last run/);
  await page.getByRole("button", { name: "Run scan" }).click();
  await expect(page.getByTestId("scan-meta")).toContainText("0 new since last run");
  await expect(ownRuns).toHaveCount(Math.min(runsBefore + 3, 10)); // 3 more runs

  await page.getByLabel("Preset").selectOption({ label: "Golden cross" });
  await expect(page.getByTestId("scan-validation")).toContainText("✓");
  await page.waitForTimeout(300);
  await shot(page, "32-scanner");
});
