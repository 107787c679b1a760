"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";

export function TokensPanel() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const tokens = useQuery(trpc.tokens.list.queryOptions());
  const [name, setName] = useState("");
  const [days, setDays] = useState("");
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.tokens.list.queryKey() });
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: (t) => {
        setCreated({ name: t.name, token: t.token });
        setName("");
        setDays("");
        void invalidate();
      },
    }),
  );
  const revoke = useMutation(trpc.tokens.revoke.mutationOptions({ onSuccess: () => void invalidate() }));

  return (
    <div>
      <h1>API tokens</h1>
      <p className="muted">
        Personal tokens authenticate the typed API without a browser: send <code>Authorization: Bearer &lt;token&gt;</code> to{" "}
        <code>/api/trpc</code>. A token acts as you, with your role. It is shown once; only its hash is stored.
      </p>
      <form
        className="card row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ name, ...(days ? { expiresInDays: Number(days) } : {}) });
        }}
      >
        <label className="field">
          Name
          <input className="input" name="token-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="research notebook" required maxLength={80} />
        </label>
        <label className="field">
          Expires in (days, optional)
          <input className="input" name="token-days" type="number" min={1} max={3650} value={days} onChange={(e) => setDays(e.target.value)} />
        </label>
        <button className="btn primary" type="submit" disabled={create.isPending} style={{ alignSelf: "flex-end" }}>
          Create token
        </button>
      </form>
      {create.error ? <div className="alert error section">{create.error.message}</div> : null}
      {created ? (
        <div className="alert success section" data-testid="new-token">
          <div>
            Token <strong>{created.name}</strong> created. Copy it now: it will not be shown again.
          </div>
          <div className="row" style={{ marginTop: 6 }}>
            <code data-testid="new-token-value" style={{ userSelect: "all", wordBreak: "break-all" }}>
              {created.token}
            </code>
            <button className="btn small" type="button" onClick={() => void navigator.clipboard?.writeText(created.token)}>
              Copy
            </button>
            <button className="btn small" type="button" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      <div className="section card">
        <table className="data" data-testid="tokens-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Prefix</th>
              <th>Created</th>
              <th>Last used</th>
              <th>Expires</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.data?.length === 0 ? (
              <tr>
                <td colSpan={7} className="muted">
                  No tokens yet.
                </td>
              </tr>
            ) : null}
            {tokens.data?.map((t) => {
              const expired = t.expiresAt !== null && t.expiresAt.getTime() < Date.now();
              return (
                <tr key={t.id}>
                  <td>{t.name}</td>
                  <td className="mono">mss_{t.prefix}_…</td>
                  <td>{fmtUtc(t.createdAt)}</td>
                  <td>{fmtUtc(t.lastUsedAt)}</td>
                  <td>{fmtUtc(t.expiresAt)}</td>
                  <td>
                    {t.revokedAt ? <span className="badge bad">revoked</span> : expired ? <span className="badge warn">expired</span> : <span className="badge ok">active</span>}
                  </td>
                  <td>
                    {!t.revokedAt ? (
                      <button className="btn small danger" type="button" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: t.id })}>
                        Revoke
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
