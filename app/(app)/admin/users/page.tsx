import { auth, HydrateClient, prefetch, trpc } from "@/server/rsc";
import { UsersPanel } from "./_components/users-panel";

export const dynamic = "force-dynamic";
export const metadata = { title: "Users" };

export default async function UsersPage() {
  const session = await auth();
  if (session?.user.role !== "admin") {
    return (
      <div>
        <h1>Users</h1>
        <div className="alert error" role="alert">
          Only admins can manage users.
        </div>
      </div>
    );
  }
  await prefetch(trpc.admin.users.list.queryOptions());
  return (
    <HydrateClient>
      <UsersPanel selfId={session.user.id} />
    </HydrateClient>
  );
}
