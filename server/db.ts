import { getDbHandle, type Db } from "@/db";
import { serverEnv } from "./env";
import { getRedis } from "./redis";
import type { Redis } from "ioredis";

/** The process's database (pooled) and Redis command connection, from the validated env. */
export function db(): Db {
  return getDbHandle(serverEnv().DATABASE_URL).db;
}

export function redis(): Redis {
  return getRedis(serverEnv().REDIS_URL);
}
