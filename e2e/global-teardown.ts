import { dropDatabase } from "../db/migrate";

export default async function globalTeardown() {
  await dropDatabase(process.env.E2E_DATABASE_URL!);
}
