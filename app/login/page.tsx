import { redirect } from "next/navigation";
import { auth } from "@/server/rsc";
import { LoginForm } from "./_components/login-form";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

function safeCallback(url: string | undefined): string {
  return url && url.startsWith("/") && !url.startsWith("//") ? url : "/";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const callbackUrl = safeCallback(sp.callbackUrl);
  if (await auth()) redirect(callbackUrl);
  return (
    <main className="login-wrap">
      <div className="card login-card">
        <div className="brand">
          ML <span>Stock Scanner</span>
        </div>
        <LoginForm callbackUrl={callbackUrl} initialError={sp.error ?? null} />
      </div>
    </main>
  );
}
