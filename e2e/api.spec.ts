import { expect, test, type Page } from "@playwright/test";
import { createTRPCClient, httpLink, TRPCClientError } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "../server/root";
import { admin, login, shot } from "./helpers";

function client(baseURL: string, token?: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${baseURL}/api/trpc`, transformer: superjson, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
  });
}

async function httpStatusOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (err) {
    if (err instanceof TRPCClientError) return (err.data as { httpStatus: number }).httpStatus;
    throw err;
  }
}

async function createTokenInUi(page: Page, name: string): Promise<string> {
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const value = (await page.getByTestId("new-token-value").textContent())?.trim() ?? "";
  expect(value).toMatch(/^mss_/);
  return value;
}

test("tRPC without a session or token is 401; health stays public", async ({ request, baseURL }) => {
  const res = await request.get("/api/trpc/auth.me");
  expect(res.status()).toBe(401);
  expect(await httpStatusOf(client(baseURL!).auth.me.query())).toBe(401);
  expect(await httpStatusOf(client(baseURL!, "mss_abcdefgh_" + "x".repeat(43)).auth.me.query())).toBe(401);
  expect((await client(baseURL!).health.get.query()).db.ok).toBe(true);
  expect((await request.get("/api/metrics")).status()).toBe(401);
  expect((await request.get("/api/metrics", { headers: { authorization: "Bearer not-a-token-of-anyone" } })).status()).toBe(401);
  const scraper = await request.get("/api/metrics", { headers: { authorization: `Bearer ${process.env.E2E_METRICS_TOKEN}` } });
  expect(scraper.status()).toBe(200);
  expect(await scraper.text()).toContain("mss_http_request_duration_seconds");
});

test("an API token created in the UI works from a typed client until it is revoked", async ({ page, baseURL }) => {
  await login(page, admin().email, admin().password);
  const token = await createTokenInUi(page, "e2e script");
  await shot(page, "04-token-created");

  const me = await client(baseURL!, token).auth.me.query();
  expect(me).toMatchObject({ email: admin().email, role: "admin", authVia: "token" });
  const scraped = await page.request.get("/api/metrics", { headers: { authorization: `Bearer ${token}` } });
  expect(scraped.status()).toBe(200);
  expect(await scraped.text()).toContain("mss_http_request_duration_seconds");

  await page.getByRole("button", { name: "Done" }).click();
  const row = page.getByTestId("tokens-table").getByRole("row", { name: /e2e script/ });
  await expect(row.getByText("active")).toBeVisible();
  await row.getByRole("button", { name: "Revoke" }).click();
  await expect(row.getByText("revoked")).toBeVisible();
  await shot(page, "05-token-revoked");

  expect(await httpStatusOf(client(baseURL!, token).auth.me.query())).toBe(401);
});

test("a viewer calling an admin procedure gets 403, by session and by token", async ({ page, browser, baseURL }) => {
  // Admin creates the viewer through the Users page.
  await login(page, admin().email, admin().password);
  await page.getByRole("link", { name: "Users" }).click();
  const email = `viewer-${Date.now()}@e2e.local`;
  const password = "viewer-password-123";
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Initial password").fill(password);
  await page.getByLabel("New user role").selectOption("viewer");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByTestId("users-table").getByRole("row", { name: new RegExp(email) })).toBeVisible();
  await shot(page, "06-users");

  const ctx = await browser.newContext();
  const vpage = await ctx.newPage();
  await login(vpage, email, password);
  await expect(vpage.getByRole("link", { name: "Users" })).toHaveCount(0);
  const bySession = await vpage.request.get("/api/trpc/admin.users.list");
  expect(bySession.status()).toBe(403);
  expect((await vpage.request.get("/api/metrics")).status()).toBe(403);
  await vpage.goto("/admin/users");
  await expect(vpage.getByRole("alert").filter({ hasText: "Only admins" })).toBeVisible();

  const token = await createTokenInUi(vpage, "viewer token");
  expect(await httpStatusOf(client(baseURL!, token).admin.users.list.query())).toBe(403);
  expect((await client(baseURL!, token).auth.me.query()).role).toBe("viewer");
  await ctx.close();
});
