import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

test("an unauthenticated page redirects to login", async ({ page }) => {
  await page.goto("/system");
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await shot(page, "01-login");
});

test("a wrong password shows an error and stays on login", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(admin().email);
  await page.getByLabel("Password").fill("definitely-wrong");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Invalid email or password" })).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
  await shot(page, "02-login-error");
});

test("admin logs in, sees live system health and queues, and logs out", async ({ page }) => {
  await login(page, admin().email, admin().password);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.getByRole("link", { name: "System" }).click();
  await expect(page.getByRole("heading", { name: "System" })).toBeVisible();
  await expect(page.getByTestId("card-overall")).toContainText("healthy");
  await expect(page.getByTestId("card-db")).toContainText("up");
  await expect(page.getByTestId("card-redis")).toContainText("up");
  await expect(page.getByTestId("card-mode")).toContainText(/TimescaleDB|Plain PostgreSQL/);
  await expect(page.getByTestId("storage-mode")).toHaveText(/TimescaleDB|PostgreSQL \(plain\)/);
  const row = page.getByTestId("queues-table").getByRole("row", { name: /maintenance/ });
  await expect(row).toBeVisible();
  // The ingest worker is connected to its queue (workers column is 1).
  await expect(row.getByRole("cell").nth(2)).toHaveText("1");
  // The live pipeline at a glance: the demo replay's feed and the bar builder.
  await expect(page.getByTestId("card-live")).toContainText(/\d of \d feeds? live/, { timeout: 15_000 });
  await expect(page.getByTestId("system-builder")).toContainText("Bar builder: running", { timeout: 15_000 });
  // Health refreshes on its own.
  const before = await page.getByTestId("health-time").textContent();
  await expect(page.getByTestId("health-time")).not.toHaveText(before ?? "", { timeout: 15_000 });
  await shot(page, "03-system");

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/system");
  await expect(page).toHaveURL(/\/login/);
});
