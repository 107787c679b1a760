import { ensureDatabase } from "../db/migrate";

/** Create the run's database; the launcher (webServer) migrates it and creates the admin. */
export default async function globalSetup() {
  await ensureDatabase(process.env.E2E_DATABASE_URL!);
}
