import http from "node:http";
import { expect, test } from "@playwright/test";
import { admin, login, shot } from "./helpers";

test("save a scan, create an alert rule with a webhook, run it on the workers, and receive the alerts", async ({ page }) => {
  const hooks: string[] = [];
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      hooks.push(body);
      res.end("ok");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const hookUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
  try {
    await login(page, admin().email, admin().password);
    await page.goto("/scanner");
    await page.getByLabel("Scan expression").fill("universe symbols in (AAPL, MSFT, KO, JPM, XOM) where close > sma(20)");
    await expect(page.getByTestId("scan-validation")).toContainText("✓");
    await page.getByLabel("Scan name").fill("Five above SMA20");
    await page.getByRole("button", { name: "Save scan" }).click();
    await expect(page.getByTestId("saved-scans")).toContainText("Five above SMA20");

    await page.getByRole("link", { name: "Alerts" }).click();
    await page.getByLabel("Rule name").fill("SMA20 watch");
    await page.getByLabel("Saved scan").selectOption({ label: "Five above SMA20" });
    await page.getByLabel("Webhook URL (optional)").fill(hookUrl);
    await page.getByRole("button", { name: "Create rule" }).click();
    await expect(page.getByTestId("webhook-secret")).toBeVisible();
    const row = page.getByTestId("alert-rules").getByRole("row", { name: /SMA20 watch/ });
    await expect(row).toContainText("45 22 * * 1-5");
    await row.getByRole("button", { name: "Run now" }).click();

    // Live over SSE: a toast and the nav badge, without reloading.
    await expect(page.getByRole("status").filter({ hasText: "SMA20 watch" }).first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("nav-unread")).toBeVisible();
    const inbox = page.getByTestId("alert-inbox");
    await expect(inbox.getByText("SMA20 watch").first()).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId("unread-count")).not.toHaveText("0 unread");
    await expect(page.getByTestId("webhook-log").getByText("succeeded").first()).toBeVisible({ timeout: 30_000 });
    expect(hooks.length).toBeGreaterThan(0);
    expect(JSON.parse(hooks[0]!)).toMatchObject({ type: "scan.hit", rule: { name: "SMA20 watch" } });
    await shot(page, "33-alerts");

    // The dashboard sums it up: the newest alerts (linked to their symbols) and the scan runs behind them.
    await page.getByRole("link", { name: "Dashboard" }).click();
    const alertsTile = page.getByTestId("alerts-tile");
    await expect(alertsTile.getByTestId("alert-tile-row").first()).toContainText("SMA20 watch");
    await expect(alertsTile).toContainText(/unread/);
    const scansTile = page.getByTestId("scan-runs-tile");
    await expect(scansTile.getByTestId("scan-tile-row").filter({ hasText: "Five above SMA20" }).first()).toContainText("/5");
    await shot(page, "34-dashboard");
    const symbol = (await alertsTile.getByTestId("alert-tile-row").first().getByRole("link").textContent())!;
    await alertsTile.getByTestId("alert-tile-row").first().getByRole("link").click();
    await expect(page).toHaveURL(new RegExp(`/symbols/${symbol}$`));
  } finally {
    server.close();
  }
});
