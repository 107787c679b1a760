import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

test("train an MLP from the Models page, watch it, open the run, promote it, see its scores on the chart", async ({ page }) => {
  test.setTimeout(180_000);
  await login(page, admin().email, admin().password);

  // The ml worker computes the feature store after the demo data loads: wait for it (as the Features spec does).
  await page.goto("/features");
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("features-table").getByRole("columnheader", { name: /AAPL 2021-04-21/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 120_000 });

  await page.getByRole("link", { name: "Models" }).click();
  await expect(page.getByRole("heading", { name: "Models", exact: true })).toBeVisible();
  const form = page.getByRole("form", { name: "New training" });
  await form.getByLabel("Symbols").fill("AAPL, MSFT, JPM, XOM, KO, PG, JNJ, WMT");
  await form.getByLabel("Model kind").selectOption("mlp");
  await form.getByLabel("Epochs").fill("25");
  await form.getByLabel("Model name").fill("e2e-alpha");
  await form.getByRole("button", { name: "Start training" }).click();

  // The run appears at once (queued), then shows live progress or its result.
  const row = page.getByTestId("run-row").filter({ hasText: "e2e-alpha" }).first();
  await expect(row).toBeVisible();
  await expect(row.getByTestId("run-status")).toHaveText(/queued|running|completed/);
  const progress = row.getByTestId("run-progress");
  if (await progress.isVisible().catch(() => false)) await shot(page, "40-models-training");
  await expect(row.getByTestId("run-status")).toHaveText("completed", { timeout: 120_000 });
  await expect(row.getByTestId("run-ic")).toHaveText(/^-?\d\.\d{4}$/);

  // Run detail: loss curves, IC per period, the baselines on the same test segment.
  await row.getByRole("button", { name: /Open run e2e-alpha/ }).click();
  const detail = page.getByTestId("run-detail");
  await expect(detail.getByTestId("loss-chart")).toBeVisible();
  await expect(detail.getByTestId("ic-bars")).toBeVisible();
  const baselines = detail.getByTestId("baseline-table");
  await expect(baselines.getByRole("row")).toHaveCount(5); // header + model + 3 baselines
  await expect(baselines).toContainText("12-1 momentum");
  await expect(baselines).toContainText("5-day reversal");
  await shot(page, "41-models-run-detail");

  // Promote to production (audited) and see it in the registry.
  await detail.getByLabel("Stage").selectOption("production");
  await detail.getByLabel("Reason").fill("e2e: first model");
  await detail.getByRole("button", { name: "Promote" }).click();
  await expect(detail.getByText(/v\d+ → production/)).toBeVisible();
  const registry = page.getByTestId("registry");
  await expect(registry.getByTestId("registry-version").filter({ hasText: "production" })).toHaveCount(1);
  await expect(page.getByTestId("registry-audit")).toContainText("e2e: first model");
  await shot(page, "42-models-registry");

  // A ridge run on the same data, then both side by side.
  await form.getByLabel("Model kind").selectOption("ridge");
  await form.getByLabel("Model name").fill("e2e-ridge");
  await form.getByRole("button", { name: "Start training" }).click();
  const ridgeRow = page.getByTestId("run-row").filter({ hasText: "e2e-ridge" }).first();
  await expect(ridgeRow.getByTestId("run-status")).toHaveText("completed", { timeout: 60_000 });
  await page.getByTestId("run-detail").getByRole("button", { name: "Close" }).click();
  await row.getByRole("checkbox").check();
  await ridgeRow.getByRole("checkbox").check();
  await page.getByTestId("compare-button").click();
  const compare = page.getByTestId("compare-view");
  await expect(compare).toContainText("Compare 2 runs");
  await expect(compare.getByTestId("compare-loss-chart")).toBeVisible();
  await shot(page, "44-models-compare");

  // The promotion enqueued a batch prediction: the production model's scores show on the symbol chart.
  await expect(async () => {
    await page.goto("/symbols/AAPL");
    await expect(page.getByTestId("candles-chart")).toHaveAttribute("data-score-points", /^[1-9]\d*$/, { timeout: 3_000 });
  }).toPass({ timeout: 60_000 });
  await page.waitForTimeout(500);
  await shot(page, "43-aapl-ml-score");
});
