"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fmtUtc } from "@/components/ui/format";
import { useTRPC } from "@/components/providers/trpc";

const ROLES = ["admin", "analyst", "viewer"] as const;
type Role = (typeof ROLES)[number];

export function UsersPanel({ selfId }: { selfId: string }) {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const invalidate = () => qc.invalidateQueries({ queryKey: trpc.admin.users.list.queryKey() });
  const [form, setForm] = useState({ email: "", name: "", password: "", role: "analyst" as Role });
  const create = useMutation(
    trpc.admin.users.create.mutationOptions({
      onSuccess: () => {
        setForm({ email: "", name: "", password: "", role: "analyst" });
        void invalidate();
      },
    }),
  );
  const update = useMutation(trpc.admin.users.update.mutationOptions({ onSuccess: () => void invalidate() }));
  const err = create.error ?? update.error;

  return (
    <div>
      <h1>Users</h1>
      <form
        className="card row"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate({ ...form, name: form.name || undefined });
        }}
      >
        <label className="field">
          Email
          <input className="input" type="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        </label>
        <label className="field">
          Name
          <input className="input" value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} />
        </label>
        <label className="field">
          Initial password
          <input className="input" type="password" minLength={10} required value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        </label>
        <label className="field">
          Role
          <select className="input" aria-label="New user role" value={form.role} onChange={(e) => setForm({ ...form, role: e.target.value as Role })}>
            {ROLES.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <button className="btn primary" type="submit" disabled={create.isPending} style={{ alignSelf: "flex-end" }}>
          Add user
        </button>
      </form>
      {err ? <div className="alert error section">{err.message}</div> : null}
      <div className="section card">
        <table className="data" data-testid="users-table">
          <thead>
            <tr>
              <th>Email</th>
              <th>Name</th>
              <th>Role</th>
              <th>Status</th>
              <th>Last login</th>
              <th>Created</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.id}>
                <td>{u.email}</td>
                <td>{u.name ?? "—"}</td>
                <td>
                  <select
                    className="input"
                    aria-label={`Role of ${u.email}`}
                    value={u.role}
                    disabled={update.isPending}
                    onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                  >
                    {ROLES.map((r) => (
                      <option key={r}>{r}</option>
                    ))}
                  </select>
                </td>
                <td>{u.disabledAt ? <span className="badge bad">disabled</span> : <span className="badge ok">active</span>}</td>
                <td>{fmtUtc(u.lastLoginAt)}</td>
                <td>{fmtUtc(u.createdAt)}</td>
                <td>
                  {u.id !== selfId ? (
                    <button className="btn small" type="button" disabled={update.isPending} onClick={() => update.mutate({ id: u.id, disabled: !u.disabledAt })}>
                      {u.disabledAt ? "Enable" : "Disable"}
                    </button>
                  ) : (
                    <span className="muted">you</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
