/**
 * Small generated CSV texts shared by the lib/csv tests (test-only; nothing at runtime imports this).
 */

/** Hourly NYSE-session bars in America/New_York wall time, 2021-03-11 … 2021-03-16 (DST starts 03-14), ";" and decimal comma. */
export function nySemicolonCsv(): { text: string; rows: { local: string; utc: number }[] } {
  const lines = ["Datetime;Open;High;Low;Close;Volume"];
  const rows: { local: string; utc: number }[] = [];
  const days = [11, 12, 15, 16]; // Thu, Fri, (weekend with the DST change), Mon, Tue
  let p = 100;
  for (const d of days) {
    const offsetH = d >= 14 ? 4 : 5; // EDT from 2021-03-14
    for (let h = 9; h <= 15; h++) {
      const local = `2021-03-${String(d).padStart(2, "0")} ${String(h).padStart(2, "0")}:30:00`;
      const fmt = (x: number) => x.toFixed(2).replace(".", ",");
      lines.push([local, fmt(p), fmt(p + 1), fmt(p - 1), fmt(p + 0.5), String(1000 + h)].join(";"));
      rows.push({ local, utc: Date.UTC(2021, 2, d, h + offsetH, 30) });
      p += 0.5;
    }
  }
  return { text: lines.join("\n") + "\n", rows };
}

/** 1-minute bars for two symbols, unix-ms timestamps, interleaved rows. */
export function unixMsTwoSymbolsCsv(minutes = 30): string {
  const t0 = Date.UTC(2024, 4, 1, 13, 30);
  const lines = ["timestamp,symbol,open,high,low,close,volume"];
  for (let i = 0; i < minutes; i++) {
    const t = t0 + i * 60_000;
    lines.push(`${t},AAA,${10 + i},${11 + i},${9 + i},${10.5 + i},${100 + i}`);
    lines.push(`${t},BBB,${20 + i},${21 + i},${19 + i},${20.5 + i},${200 + i}`);
  }
  return lines.join("\n") + "\n";
}

/** Yahoo Finance-style daily export. */
export const YAHOO_CSV = `Date,Open,High,Low,Close,Adj Close,Volume
2024-01-02,187.149994,188.440002,183.889999,185.639999,184.532089,82488700
2024-01-03,184.220001,185.880005,183.429993,184.250000,183.150391,58414500
2024-01-04,182.149994,183.089996,180.880005,181.910004,180.824356,71983600
2024-01-05,181.990005,182.759995,180.169998,181.179993,180.098694,62303300
2024-01-08,182.089996,185.600006,181.500000,185.559998,184.452560,59144500
2024-01-09,183.919998,185.149994,182.729996,185.139999,184.035065,42841800
2024-01-10,184.350006,186.399994,183.919998,186.190002,185.078812,46792900
2024-01-11,186.539993,187.050003,183.619995,185.589996,184.482376,49128400
2024-01-12,186.059998,186.740005,185.190002,185.919998,184.810425,40444700
2024-01-16,182.160004,184.259995,180.929993,183.630005,182.534119,65603000
2024-01-17,181.270004,182.929993,180.300003,182.679993,181.589783,47317400
`;
