import { Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ConsoleFiles, type ConsoleSite } from '../constructs/console-site.ts';

export interface ConsoleStackProps extends StackProps {
  site: ConsoleSite;
  distDir?: string;
}

/**
 * The console's files, deployed into the stateless stack's console bucket. Apart because
 * BucketDeployment brings its own Lambda, and the stateless stack holds only the manifests' functions.
 */
export class ConsoleStack extends Stack {
  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    new ConsoleFiles(this, 'Files', {
      site: props.site,
      ...(props.distDir ? { distDir: props.distDir } : {}),
    });
  }
}
