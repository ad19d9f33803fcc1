/** The Vagrant box a profile's machines boot on the Vagrant target, and how their user-data reaches them. */
export interface VagrantBox {
  /** Box name, e.g. `coreos-stable`. */
  readonly name: string;
  /** Where Vagrant downloads the box metadata. */
  readonly url: string;
  /** Absolute guest path that the box's coreos-cloudinit reads the user-data from on every boot. */
  readonly userDataPath: string;
  /** One line saying what the box is, for the Vagrantfile header and the docs. */
  readonly description: string;
  /** The oldest Vagrant that can run the box. */
  readonly minVagrantVersion: string;
  /**
   * Why Vagrant may no longer find the box at {@link url}, e.g. `CoreOS Container Linux reached its
   * end of life in May 2020`: the runbook's prerequisites then name the box and how to add a copy of it.
   * @default - none: Vagrant downloads the box when it first needs it
   */
  readonly endOfLife?: string;
}
