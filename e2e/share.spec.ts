import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

test("share a saved scan read-only by link, open and copy it as another user, then revoke it", async ({ page, browser }) => {
  await login(page, admin().email, admin().password);

  // A second user, created by the admin on the Users page.
  await page.getByRole("link", { name: "Users" }).click();
  const email = `share-${Date.now()}@e2e.local`;
  const password = "share-password-123";
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Initial password").fill(password);
  await page.getByLabel("New user role").selectOption("analyst");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId("users-table").getByRole("row", { name: new RegExp(email) })).toBeVisible();

  // The owner saves and runs a scan, then shares it.
  await page.getByRole("link", { name: "Scanner" }).click();
  await page.getByLabel("Scan expression").fill("universe symbols in (AAPL, MSFT, KO, JPM, XOM) where close > sma(20)");
  await expect(page.getByTestId("scan-validation")).toContainText("✓");
  await page.getByLabel("Scan name").fill("Shared five");
  await page.getByRole("button", { name: "Save scan" }).click();
  await expect(page.getByTestId("saved-scans")).toContainText("Shared five");
  await page.getByRole("button", { name: "Run scan" }).click();
  await expect(page.getByTestId("scan-meta")).toBeVisible({ timeout: 30_000 });
  await page.getByRole("button", { name: "Share Shared five" }).click();
  const linkBox = page.getByLabel("Share link for Shared five");
  await expect(linkBox).toHaveValue(/\/scans\/shared\/[A-Za-z0-9_-]{43}$/);
  const link = new URL(await linkBox.inputValue()).pathname;
  await shot(page, "70-scan-shared");

  // Another signed-in user opens it read-only and copies it.
  const ctx = await browser.newContext();
  const other = await ctx.newPage();
  await login(other, email, password);
  await other.goto(link);
  await expect(other.getByTestId("shared-scan-name")).toHaveText("Shared five");
  await expect(other.getByTestId("shared-scan-text")).toContainText("close > sma(20)");
  await expect(other.getByTestId("shared-scan-results")).toBeVisible();
  await other.getByRole("button", { name: "Copy to my scans" }).click();
  await expect(other.getByTestId("shared-scan-copied")).toContainText("Shared five (copy)");
  await shot(other, "71-shared-scan-view");
  await other.goto("/scanner");
  await expect(other.getByTestId("saved-scans")).toContainText("Shared five (copy)");

  // Revoked: the link is a 404 for everyone.
  await page.getByRole("button", { name: "Stop sharing Shared five" }).click();
  await expect(page.getByLabel("Share link for Shared five")).toHaveCount(0);
  const res = await other.goto(link);
  expect(res?.status()).toBe(404);
  await expect(other.getByTestId("shared-scan-name")).toHaveCount(0);
  await ctx.close();
});
