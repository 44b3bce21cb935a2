package dev.flowstate.engine;

/** A task with an explicit name; see {@link Task#named(String, Task)}. */
record NamedTask<T>(String name, String signature, Task<T> task) implements Task<T> {

  @Override
  public void run(T obj, WorkflowEngine<T> engine) throws Exception {
    task.run(obj, engine);
  }

  @Override
  public String toString() {
    return name;
  }
}
