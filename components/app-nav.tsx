"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";

export interface NavItem {
  href: string;
  label: string;
}

export function AppNav({ sections }: { sections: { title: string; items: NavItem[] }[] }) {
  const pathname = usePathname();
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
              aria-current={pathname === it.href || pathname.startsWith(`${it.href}/`) ? "page" : undefined}
            >
              {it.label}
            </Link>
          ))}
        </div>
      ))}
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
