import { redirect } from "next/navigation";
import { AppNav, SignOutButton, type NavItem } from "@/components/app-nav";
import { auth, getRuntimeInfo } from "@/server/rsc";

export const dynamic = "force-dynamic";

export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const session = await auth();
  if (!session) redirect("/login");
  const { user } = session;
  const info = await getRuntimeInfo();
  const sections: { title: string; items: NavItem[] }[] = [
    {
      title: "Markets",
      items: [
        { href: "/", label: "Dashboard" },
        { href: "/scanner", label: "Scanner" },
        { href: "/alerts", label: "Alerts" },
        { href: "/data", label: "Market data" },
        { href: "/features", label: "Features" },
        { href: "/models", label: "Models" },
      ],
    },
    { title: "Operations", items: [{ href: "/system", label: "System" }] },
    {
      title: "Settings",
      items: [
        { href: "/settings/tokens", label: "API tokens" },
        ...(user.role === "admin" ? [{ href: "/admin/users", label: "Users" }] : []),
      ],
    },
  ];
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">
          ML <span>Stock Scanner</span>
        </div>
        <AppNav sections={sections} />
        <div className="sidebar-foot">
          <div title={user.email} className="mono" style={{ overflow: "hidden", textOverflow: "ellipsis" }}>
            {user.email}
          </div>
          <div className="row">
            <span className="badge">{user.role}</span>
            <span className="spacer" />
            <SignOutButton />
          </div>
        </div>
      </aside>
      <main className="main">{children}</main>
      <footer className="footer" data-testid="footer">
        <span>
          Storage:{" "}
          <strong data-testid="storage-mode">{info.storageMode === "timescaledb" ? "TimescaleDB" : info.storageMode === "postgres" ? "PostgreSQL (plain)" : "unknown"}</strong>
        </span>
        <span>
          v{info.version} · <span className="mono">{info.gitSha}</span>
        </span>
        <span>All times UTC</span>
      </footer>
    </div>
  );
}
