"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useState } from "react";
import { useTRPC } from "@/components/providers/trpc";

export interface NavItem {
  href: string;
  label: string;
}

/** Unread alert count (badge) and live alerts over SSE (a toast per new event). */
function useLiveAlerts() {
  const trpc = useTRPC();
  const qc = useQueryClient();
  const unread = useQuery(trpc.alerts.inbox.unreadCount.queryOptions(undefined, { refetchInterval: 60_000 }));
  const [toasts, setToasts] = useState<{ id: string; text: string }[]>([]);
  useSubscription(
    trpc.alerts.onEvent.subscriptionOptions(undefined, {
      onData: (e) => {
        void qc.invalidateQueries({ queryKey: trpc.alerts.pathKey() });
        setToasts((t) => [...t.slice(-3), { id: e.id, text: e.message }]);
        setTimeout(() => setToasts((t) => t.filter((x) => x.id !== e.id)), 8_000);
      },
    }),
  );
  return { unread: unread.data?.unread ?? 0, toasts };
}

export function AppNav({ sections }: { sections: { title: string; items: NavItem[] }[] }) {
  const pathname = usePathname();
  const live = useLiveAlerts();
  return (
    <nav aria-label="Main">
      {sections.map((s) => (
        <div key={s.title}>
          <div className="nav-section">{s.title}</div>
          {s.items.map((it) => (
            <Link
              key={it.href}
              href={it.href}
              className="nav-link"
              aria-current={pathname === it.href || (it.href !== "/" && pathname.startsWith(`${it.href}/`)) ? "page" : undefined}
            >
              {it.label}
              {it.href === "/alerts" && live.unread > 0 ? (
                <span className="badge warn" data-testid="nav-unread" style={{ marginLeft: 6 }}>
                  {live.unread}
                </span>
              ) : null}
            </Link>
          ))}
        </div>
      ))}
      <div className="toasts" aria-live="polite">
        {live.toasts.map((t) => (
          <div key={t.id} className="toast" role="status">
            🔔 {t.text}
          </div>
        ))}
      </div>
    </nav>
  );
}

export function SignOutButton() {
  return (
    <button className="btn small" type="button" onClick={() => void signOut({ callbackUrl: "/login" })}>
      Sign out
    </button>
  );
}
