import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a JVMTI agent into a running JVM with its options as one string: {@code jcmd PID
 * JVMTI.agent_load} splits async-profiler's comma-separated options, so profile.sh uses this.
 * Run as a single-file program: {@code java Attach.java PID AGENT_PATH OPTIONS}.
 */
public class Attach {
    public static void main(String[] args) throws Exception {
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
