import { Construct } from 'constructs';
import {
  MatchboxGroup, MatchboxProfile, matchboxGroupProblems, matchboxProfileProblems, renderMatchboxGroup, renderMatchboxProfile,
} from '../formats/matchbox';
import { IFileOwner, SynthesizedFile } from '../synth/synthesized-file';

/**
 * `profiles/<id>.json`: a matchbox profile, where matchbox's `FileStore` reads it when the output
 * folder is its `-data-path` (matchbox v0.11.0 matchbox/storage/filestore.go `ProfileGet`).
 */
export class MatchboxProfileFile extends Construct implements IFileOwner {
  public readonly filePath: string;

  constructor(scope: Construct, id: string, public readonly profile: MatchboxProfile) {
    super(scope, id);
    this.filePath = `profiles/${profile.id}.json`;
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderMatchboxProfile(this.profile), mode: 0o644 };
  }

  public checkFile(file: SynthesizedFile): string[] {
    return matchboxProfileProblems(this.profile).map(problem => `${file.path}: ${problem}`);
  }
}

/** `groups/<id>.json`: a matchbox group (matchbox v0.11.0 matchbox/storage/filestore.go `GroupList`). */
export class MatchboxGroupFile extends Construct implements IFileOwner {
  public readonly filePath: string;

  constructor(scope: Construct, id: string, public readonly group: MatchboxGroup) {
    super(scope, id);
    this.filePath = `groups/${group.id}.json`;
  }

  public renderFile(): SynthesizedFile {
    return { path: this.filePath, content: renderMatchboxGroup(this.group), mode: 0o644 };
  }

  public checkFile(file: SynthesizedFile): string[] {
    return matchboxGroupProblems(this.group).map(problem => `${file.path}: ${problem}`);
  }
}
