import { FlowProducer } from "bullmq";
import { serverEnv } from "../env";
import { getRedis } from "../redis";
import { DEFAULT_JOB_OPTIONS, QUEUES, jobId, type TComputeFeaturesJob, type TIngestBarsJob } from "./names";

const g = globalThis as unknown as { __mssFlow?: FlowProducer };

function flowProducer(): FlowProducer {
  const env = serverEnv();
  g.__mssFlow ??= new FlowProducer({ connection: getRedis(env.REDIS_URL), prefix: env.QUEUE_PREFIX });
  return g.__mssFlow;
}

/**
 * ingest-bars → compute-features as one BullMQ flow: the feature job (ml role) starts only when the
 * ingestion job (ingest role) has completed. If the ingestion fails for good, the feature job fails too
 * instead of waiting for ever.
 */
export async function enqueueIngestThenFeatures(ingest: TIngestBarsJob, features: TComputeFeaturesJob): Promise<{ ingestJobId: string; featuresJobId: string }> {
  const ingestJobId = jobId("ingest-bars", ingest.runId);
  const featuresJobId = jobId("compute-features", ingest.runId);
  await flowProducer().add({
    name: QUEUES.computeFeatures.name,
    queueName: QUEUES.computeFeatures.name,
    data: QUEUES.computeFeatures.payload.parse(features),
    opts: { ...DEFAULT_JOB_OPTIONS, jobId: featuresJobId },
    children: [
      {
        name: QUEUES.ingestBars.name,
        queueName: QUEUES.ingestBars.name,
        data: QUEUES.ingestBars.payload.parse(ingest),
        opts: { ...DEFAULT_JOB_OPTIONS, jobId: ingestJobId, failParentOnFailure: true },
      },
    ],
  });
  return { ingestJobId, featuresJobId };
}
