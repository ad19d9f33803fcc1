# Loads a Vagrantfile through Vagrant's own API and prints every machine's
# merged configuration as JSON, so a test can compare it with the construct tree.
#
#   ruby machine-config.rb FOLDER
#
# FOLDER holds the Vagrantfile. The JSON is one object on stdout:
#   { "vagrant": "2.3.4", "root": "/abs/folder", "machines": [...], "problems": [...] }
# Each machine has: name, hostname, private_networks (IPs), cpus and memory (as the
# VirtualBox provider will pass them to `VBoxManage modifyvm`), provisioners and
# synced_folders (host paths resolved the way Vagrant resolves them: against the
# Vagrantfile's folder), and ssh: the user, insert_key, and each private_key_path
# resolved against that folder, with the key type and public key blob (base64) that
# Vagrant's net-ssh reads from it, or why it can't. "problems" lists what Vagrant found wrong: load errors and
# warnings, and every error of the validation `vagrant validate` runs; the script
# exits 1 when there are any. Needs a VBoxManage on PATH (a stub answering
# --version is enough) for the VirtualBox provider to load.
require "json"
require "net/ssh"
require "vagrant"

folder = File.expand_path(ARGV.fetch(0) { abort "usage: ruby machine-config.rb FOLDER" })
env = Vagrant::Environment.new(cwd: folder, ui_class: Vagrant::UI::Silent)
vagrantfile = env.vagrantfile
problems = []

# The last `modifyvm --<flag> <value>` customization wins, as in VirtualBox itself.
def modifyvm(provider_config, flag)
  values = provider_config.customizations
    .map { |_event, command| command }
    .select { |command| command[0] == "modifyvm" && command[2] == flag }
    .map { |command| command[3] }
  values.empty? ? nil : Integer(values.last.to_s, 10)
end

machines = vagrantfile.machine_names.map do |name|
  loaded = vagrantfile.machine_config(name, :virtualbox, env.boxes, nil, false)
  config = loaded[:config]
  problems.concat(Array(loaded[:config_errors]).map { |e| "#{name}: #{e}" })
  problems.concat(Array(loaded[:config_warnings]).map { |w| "#{name}: warning: #{w}" })

  # The checks `vagrant validate` runs (Vagrant::Action::Builtin::ConfigValidate): unknown keys,
  # bad values, missing files and folders, on the machine as the VirtualBox provider sees it.
  machine = env.machine(name, :virtualbox)
  machine.config.validate(machine).each do |section, errors|
    errors.each { |error| problems << "#{name}: #{section}: #{error}" }
  end
  vb = config.vm.get_provider_config(:virtualbox)
  key_paths = Array(config.ssh.private_key_path).map { |key| File.expand_path(key.to_s, env.root_path.to_s) }

  {
    name: name.to_s,
    hostname: config.vm.hostname,
    private_networks: config.vm.networks.select { |type, _| type == :private_network }.map { |_, opts| opts[:ip] },
    cpus: modifyvm(vb, "--cpus"),
    memory: modifyvm(vb, "--memory"),
    provisioners: config.vm.provisioners.map do |provisioner|
      settings = provisioner.config
      case provisioner.type
      when :file
        { type: "file", source: settings.source, source_path: File.expand_path(settings.source, env.root_path.to_s),
          destination: settings.destination }
      when :shell
        { type: "shell", inline: settings.inline, args: settings.args, privileged: settings.privileged }
      else
        { type: provisioner.type.to_s }
      end
    end,
    synced_folders: config.vm.synced_folders.map do |_id, opts|
      { host: opts[:hostpath], host_path: File.expand_path(opts[:hostpath], env.root_path.to_s), guest: opts[:guestpath],
        type: opts[:type]&.to_s, disabled: opts[:disabled] == true }
    end,
    ssh: {
      username: config.ssh.username,
      insert_key: config.ssh.insert_key,
      keys: key_paths.map do |key|
        begin
          loaded = Net::SSH::KeyFactory.load_private_key(key, nil, false)
          { path: key, type: loaded.ssh_type, public_blob: [loaded.public_key.to_blob].pack("m0") }
        rescue StandardError, NotImplementedError => e
          { path: key, error: "#{e.class}: #{e.message}" }
        end
      end,
    },
  }
end

puts JSON.generate({ vagrant: Vagrant::VERSION, root: env.root_path.to_s, machines: machines, problems: problems })
exit(problems.empty? ? 0 : 1)
