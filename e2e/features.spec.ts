import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

test("the Features page lists the versioned catalog and a symbol's stored point-in-time values", async ({ page }) => {
  await login(page, admin().email, admin().password);
  await page.getByRole("link", { name: "Features" }).click();
  await expect(page.getByRole("heading", { name: "Features" })).toBeVisible();
  const table = page.getByTestId("features-table");
  await expect(table.getByRole("row")).toHaveCount(await table.getByRole("row").count());
  expect(await table.getByRole("row").count()).toBeGreaterThan(60); // header + ≥ 60 features
  await expect(table.getByRole("cell", { name: "RSI14", exact: true })).toBeVisible();

  // The ml worker computes the store after the demo data loads; reload until AAPL's values are there.
  await expect(async () => {
    await page.reload();
    await expect(table.getByRole("columnheader", { name: /AAPL 2021-04-21/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 90_000 });
  const rsi = table.getByRole("row", { name: /^RSI14/ });
  await expect(rsi.getByRole("cell").last()).toHaveText(/^\d+\.\d{4}$/);

  await page.getByLabel("Filter features").fill("rank");
  expect(await table.getByRole("row").count()).toBeLessThan(40);
  await page.getByLabel("Filter features").fill("");
  await page.waitForTimeout(300);
  await shot(page, "20-features");
});
