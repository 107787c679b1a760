export * from "./auth";
export * from "./columns";
export * from "./market";
export * from "./features";
export * from "./scans";
export * from "./alerts";
export * from "./watchlists";
export * from "./models";
