export function StatusBadge({ ok, okText = "up", badText = "down", warn = false }: { ok: boolean; okText?: string; badText?: string; warn?: boolean }) {
  const cls = ok ? (warn ? "warn" : "ok") : "bad";
  return (
    <span className={`badge ${cls}`}>
      <span className="dot" />
      {ok ? okText : badText}
    </span>
  );
}
