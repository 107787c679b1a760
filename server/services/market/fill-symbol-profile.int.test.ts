import { afterAll, describe, expect, it } from "vitest";
import { db } from "../../db";
import { fillSymbolProfile } from "./fill-symbol-profile";
import { upsertSymbols } from "./upsert-symbols";

afterAll(async () => {
  await db().$client.end({ timeout: 2 });
});

const read = async (symbol: string) =>
  (await db().$client`select name, exchange, currency, sector from symbols where symbol = ${symbol}`)[0];

describe("fillSymbolProfile", () => {
  it("fills only what the universe lacks, takes the price currency from the vendor of the prices, and says when nothing changed", async () => {
    await upsertSymbols([{ symbol: "FSP-ASML", assetClass: "stock", provider: "yahoo", sector: "Semiconductors" }]);
    const vendor = { name: "ASML Holding N.V.", exchange: "Amsterdam", currency: "EUR", sector: "Technology" };

    // Another vendor's description: names, not its currency.
    expect(await fillSymbolProfile("FSP-ASML", vendor, { pricesFrom: false })).toBe(true);
    expect(await read("FSP-ASML")).toEqual({ name: "ASML Holding N.V.", exchange: "Amsterdam", currency: "USD", sector: "Semiconductors" });

    // The vendor the prices come from: its currency too.
    expect(await fillSymbolProfile("FSP-ASML", { ...vendor, name: "Renamed" }, { pricesFrom: true })).toBe(true);
    expect(await read("FSP-ASML")).toEqual({ name: "ASML Holding N.V.", exchange: "Amsterdam", currency: "EUR", sector: "Semiconductors" });

    expect(await fillSymbolProfile("FSP-ASML", vendor, { pricesFrom: true })).toBe(false);
    expect(await fillSymbolProfile("FSP-NONE", vendor, { pricesFrom: true })).toBe(false);
  });
});
