import { z } from "zod";
import { createAlertRule, deleteAlertRule, listAlertRules, runAlertRuleNow, scheduleProblem, updateAlertRule } from "../../services/alerts/alert-rules";
import { streamAlerts } from "../../services/alerts/alert-stream";
import { webhookUrlProblem } from "../../services/alerts/deliver-webhook";
import { emailConfig } from "../../services/alerts/email-transport";
import { listDeliveries, listEmailDeliveries, listInbox, markRead } from "../../services/alerts/inbox";
import { countUnread } from "../../services/alerts/run-alert-rule";
import { authedProcedure, rateLimitedProcedure, router } from "../../trpc";

const ZRule = z.object({
  id: z.uuid(),
  name: z.string(),
  scanId: z.uuid(),
  schedule: z.string(),
  webhookUrl: z.string().nullable(),
  emailEnabled: z.boolean(),
  emailTo: z.string().nullable(),
  cooldownMinutes: z.number(),
  active: z.boolean(),
  createdAt: z.date(),
});
const ZWebhookUrl = z
  .url()
  .max(500)
  .refine((u) => /^https?:\/\//.test(u), "http(s) URLs only")
  .superRefine((u, ctx) => {
    const problem = webhookUrlProblem(u);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
const ZEmailTo = z.email().max(254);
/** "bar-close" or a 5-field UTC cron that BullMQ can schedule, with runs at least ALERT_MIN_INTERVAL_MINUTES apart. */
const ZSchedule = z
  .string()
  .trim()
  .max(100)
  .superRefine((s, ctx) => {
    const problem = scheduleProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

export const alertsRouter = router({
  rules: router({
    list: authedProcedure.output(z.array(ZRule)).query(({ ctx }) => listAlertRules({ userId: ctx.user.id })),
    create: authedProcedure
      .input(
        z.object({
          name: z.string().trim().min(1).max(120),
          scanId: z.uuid(),
          schedule: ZSchedule.default("45 22 * * 1-5"),
          webhookUrl: ZWebhookUrl.optional(),
          cooldownMinutes: z.number().int().min(0).max(60 * 24 * 30).default(60),
          active: z.boolean().default(true),
          /** "Also e-mail me": one e-mail per evaluation listing the new hits. */
          emailEnabled: z.boolean().default(false),
          /** Recipient; absent = the caller's own address. */
          emailTo: ZEmailTo.optional(),
        }),
      )
      .output(ZRule.extend({ webhookSecret: z.string().nullable() }))
      .mutation(({ ctx, input }) => createAlertRule({ userId: ctx.user.id, input })),
    update: authedProcedure
      .input(z.object({ id: z.uuid(), name: z.string().trim().min(1).max(120).optional(), schedule: ZSchedule.optional(), cooldownMinutes: z.number().int().min(0).max(43_200).optional(), active: z.boolean().optional(), emailEnabled: z.boolean().optional(), emailTo: ZEmailTo.nullable().optional() }))
      .output(ZRule)
      .mutation(({ ctx, input: { id, ...patch } }) => updateAlertRule({ userId: ctx.user.id, id, patch })),
    delete: authedProcedure
      .input(z.object({ id: z.uuid() }))
      .output(z.object({ id: z.uuid() }))
      .mutation(({ ctx, input }) => deleteAlertRule({ userId: ctx.user.id, id: input.id })),
    /** Evaluate a rule now on the workers, outside its schedule (heavy: rate-limited). */
    runNow: rateLimitedProcedure
      .input(z.object({ id: z.uuid() }))
      .output(z.object({ jobId: z.string() }))
      .mutation(({ ctx, input }) => runAlertRuleNow({ userId: ctx.user.id, id: input.id })),
  }),
  inbox: router({
    list: authedProcedure
      .input(z.object({ unreadOnly: z.boolean().default(false), limit: z.number().int().min(1).max(200).default(50) }))
      .output(
        z.array(
          z.object({
            id: z.uuid(),
            ruleId: z.uuid(),
            ruleName: z.string(),
            symbol: z.string(),
            barTs: z.date(),
            message: z.string(),
            values: z.record(z.string(), z.number().nullable()),
            createdAt: z.date(),
            readAt: z.date().nullable(),
          }),
        ),
      )
      .query(({ ctx, input }) => listInbox({ userId: ctx.user.id, ...input })),
    unreadCount: authedProcedure.output(z.object({ unread: z.number() })).query(async ({ ctx }) => ({ unread: await countUnread(ctx.user.id) })),
    markRead: authedProcedure
      .input(z.object({ ids: z.array(z.uuid()).max(500).optional() }))
      .output(z.object({ marked: z.number() }))
      .mutation(({ ctx, input }) => markRead({ userId: ctx.user.id, ids: input.ids })),
  }),
  /** Live in-app alerts (SSE): each new event of the caller's rules as it is created. */
  onEvent: authedProcedure.subscription(async function* ({ ctx, signal }) {
    yield* streamAlerts(ctx.user.id, signal);
  }),
  deliveries: authedProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
    .output(
      z.array(
        z.object({
          id: z.uuid(),
          ruleId: z.uuid(),
          url: z.string(),
          status: z.string(),
          attempts: z.number(),
          responseStatus: z.number().nullable(),
          error: z.string().nullable(),
          createdAt: z.date(),
          deliveredAt: z.date().nullable(),
          symbol: z.string(),
        }),
      ),
    )
    .query(({ ctx, input }) => listDeliveries({ userId: ctx.user.id, limit: input.limit })),
  email: router({
    /** Whether alert e-mail is configured on this server (SMTP_URL), and its From address. */
    status: authedProcedure.output(z.object({ enabled: z.boolean(), from: z.string().nullable() })).query(() => {
      const cfg = emailConfig();
      return { enabled: cfg.enabled, from: cfg.from ?? null };
    }),
    /** The caller's alert e-mails (one per evaluation batch) with their delivery status. */
    deliveries: authedProcedure
      .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }))
      .output(
        z.array(
          z.object({
            id: z.uuid(),
            ruleId: z.uuid(),
            ruleName: z.string(),
            recipient: z.string(),
            hits: z.number(),
            status: z.string(),
            attempts: z.number(),
            error: z.string().nullable(),
            createdAt: z.date(),
            deliveredAt: z.date().nullable(),
          }),
        ),
      )
      .query(({ ctx, input }) => listEmailDeliveries({ userId: ctx.user.id, limit: input.limit })),
  }),
});
