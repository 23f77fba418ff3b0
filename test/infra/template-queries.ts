/** Small readers over synthesized CloudFormation templates, for the infra tests. */
import type { Template } from 'aws-cdk-lib/assertions';

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
}

export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: unknown;
}

export const resourcesOf = (template: Template, type: string): Array<[string, CfnResource]> =>
  Object.entries(template.toJSON().Resources as Record<string, CfnResource>).filter(
    ([, r]) => r.Type === type,
  );

export const propsOf = (resource: CfnResource): Record<string, unknown> => resource.Properties ?? {};

export const actionsOf = (statement: PolicyStatement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Every policy statement of a template: identity policies and resource policies alike. */
export const allStatements = (template: Template): Array<{ owner: string; statement: PolicyStatement }> => {
  const out: Array<{ owner: string; statement: PolicyStatement }> = [];
  const add = (owner: string, doc: unknown) => {
    const statements = (doc as { Statement?: PolicyStatement[] } | undefined)?.Statement ?? [];
    for (const statement of statements) out.push({ owner, statement });
  };
  for (const [id, r] of Object.entries(template.toJSON().Resources as Record<string, CfnResource>)) {
    const p = propsOf(r);
    if (r.Type === 'AWS::IAM::Role') {
      for (const inline of (p.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? []) {
        add(id, inline.PolicyDocument);
      }
    } else if ('PolicyDocument' in p) {
      add(id, p.PolicyDocument);
    }
  }
  return out;
};

/** Statements of the identity policies attached to one role. */
export const roleStatements = (template: Template, roleLogicalId: string): PolicyStatement[] =>
  resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, r]) => JSON.stringify(propsOf(r).Roles).includes(`"${roleLogicalId}"`))
    .flatMap(([, r]) => (propsOf(r).PolicyDocument as { Statement: PolicyStatement[] }).Statement);

/** True when the JSON of `value` mentions `logicalId` (a Ref, GetAtt or cross-stack output name). */
export const mentions = (value: unknown, logicalId: string): boolean =>
  JSON.stringify(value ?? null).includes(logicalId);
