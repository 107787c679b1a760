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
            <BellIcon />
            <Link href="/alerts">{t.text}</Link>
          </div>
        ))}
      </div>
    </nav>
  );
}

/** Drawn, not an emoji: a font without emoji glyphs (Debian's Chromium, many servers) showed a box. */
function BellIcon() {
  return (
    <svg className="toast-icon" width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
      <path d="M8 1.5a4.5 4.5 0 0 0-4.5 4.5v3L2 11.5h12L12.5 9V6A4.5 4.5 0 0 0 8 1.5Z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
      <path d="M6.3 13a1.8 1.8 0 0 0 3.4 0" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" />
    </svg>
  );
}

export function SignOutButton() {
  return (
    <button className="btn small" type="button" onClick={() => void signOut({ callbackUrl: "/login" })}>
      Sign out
    </button>
  );
}
