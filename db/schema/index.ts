export * from "./auth";
export * from "./columns";
